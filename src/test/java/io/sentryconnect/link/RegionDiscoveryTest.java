package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.standin.Settings;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Organization discovery across Sentry's data regions: the organizations list is a region's, so a grant of a de
 * organization is found only by asking de, whatever the us list (and the main origin, which answers as us) says.
 */
@MicronautTest(environments = "test", transactional = false)
class RegionDiscoveryTest extends ServiceTest {

    private List<String> organizationListsAsked() {
        return standIn.requests("/api/0/organizations/").stream()
                .filter(r -> r.path().equals("/api/0/organizations/"))
                .map(RequestLogEntry::origin)
                .toList();
    }

    @Test
    void anOrganizationInTheSecondRegionIsFoundThereAndNotMistakenForTheUsersOneOrganizationInTheFirst() {
        // Grace is in globex (us) and umbrella (de): us lists globex for her umbrella token, since nothing narrows one.
        Linked grant = link("2", "umbrella");
        Map<String, Object> row = grantRow(grant);
        assertEquals("umbrella", row.get("org_slug"));
        assertEquals("2002", row.get("org_id"));
        assertEquals(standIn.regionUrl("de").toString().replaceAll("/$", ""), row.get("region_url"));
        assertEquals(List.of("us", "de"), organizationListsAsked(), "us first, then de, and nothing after the answer");
        assertEquals(200, proxy(grant, "organizations/umbrella/projects/").statusCode(), "calls go to the de region");
    }

    @Test
    void anOrganizationInTheFirstRegionTakesOneCall() {
        Linked grant = link("1", "acme");
        assertEquals("acme", grantRow(grant).get("org_slug"));
        assertEquals(List.of("us"), organizationListsAsked());
    }

    @Test
    void aTokenTheRegionDoesNotKnowYetIsAskedAgainUntilItsReplicaArrives() {
        // The regions learn of new tokens 300 ms late (ApiTokenReplica): within replica-lag, so the link succeeds.
        standIn.updateSettings(Settings.DEFAULTS.withRegionReplicaLagMs(300));
        Linked grant = link("3", "initech");
        assertEquals("initech", grantRow(grant).get("org_slug"));
        List<RequestLogEntry> lists = standIn.requests("/api/0/organizations/").stream()
                .filter(r -> r.path().equals("/api/0/organizations/")).toList();
        assertEquals(401, lists.get(0).status(), "the first answer was Invalid token: " + lists);
        assertEquals("de", lists.get(lists.size() - 1).origin());
        assertEquals(200, lists.get(lists.size() - 1).status());
    }
}
