package io.sentryconnect.provisioning;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provisioned grant's life after provisioning: a revoked integration token turns it revoked, reconnecting goes
 * through OAuth linking and reactivates it in place, and after a disconnect provisioning again revives the same grant.
 */
@MicronautTest(environments = "test", transactional = false)
class ProvisionedGrantLifecycleTest extends ProvisioningTestBase {
    ProvisionedGrantLifecycleTest() {
        super(8);
    }

    @Test
    void revokingTheIntegrationTokenTurnsTheGrantRevokedOnTheNextCall() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> grant = provisioned(jwt, body("us", "Backend"));
        String slug = (String) organization(grant).get("slug");
        assertEquals(1, standIn.revokeIntegration(slug));
        int sentBefore = standIn.requests("/oauth/token/").size();

        HttpResponse<String> response = proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/");
        assertEquals(409, response.statusCode(), response.body());
        Map<String, Object> problem = driver.map(response.body());
        assertTrue(((String) problem.get("type")).endsWith("/grant_revoked"), response.body());
        assertEquals(serviceUrl() + "/api/v1/grants/" + grant.get("id") + "/reconnect", problem.get("reconnect"));
        assertEquals(sentBefore, standIn.requests("/oauth/token/").size(), "no refresh token, no refresh attempt");
        Map<String, Object> row = grants(tenant).get(0);
        assertEquals("revoked", row.get("status"));
        assertEquals("unauthorized", row.get("status_reason"));
        Map<String, Object> json = driver.map(new Http().get(serviceUrl() + "/api/v1/grants/" + grant.get("id"), Http.bearer(jwt)).body());
        assertEquals(true, json.get("reconnect_required"));
    }

    /**
     * An HTML 401 (a proxy in front of Sentry, not Sentry's authentication) is no sign that the integration token is
     * dead: the grant, which has no refresh token to try, is not revoked for it.
     */
    @Test
    void anUnrecognised401LeavesTheProvisionedGrantActive() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> grant = provisioned(jwt, body("us", "Backend"));
        String slug = (String) organization(grant).get("slug");
        String path = "organizations/" + slug + "/projects/";
        standIn.addFault(Fault.content("/api/0/" + path, 401, "text/html", "<html><body>401 Unauthorized</body></html>", 5));

        HttpResponse<String> response = proxy(jwt, grant.get("id"), path);
        assertEquals(502, response.statusCode(), response.body());
        assertEquals("sentry_unauthorized", driver.map(response.body()).get("code"), response.body());
        Map<String, Object> row = grants(tenant).get(0);
        assertEquals("active", row.get("status"));
        assertNull(row.get("status_reason"));
        standIn.clearFaults();
        assertEquals(200, proxy(jwt, grant.get("id"), path).statusCode(), "the token was fine all along");
    }

    @Test
    void reconnectGoesThroughOAuthLinkingForTheOrganizationAndReactivatesTheGrantInPlace() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> body = body("us", "Backend");
        Map<String, Object> grant = provisioned(jwt, body);
        String slug = (String) organization(grant).get("slug");
        standIn.revokeIntegration(slug);
        assertEquals(409, proxy(jwt, grant.get("id"), "organizations/" + slug + "/").statusCode());

        HttpResponse<String> created = new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.get("id") + "/reconnect",
                driver.toJson(Map.of("return_to", LinkDriver.RETURN_TO)), Http.bearer(jwt));
        assertEquals(201, created.statusCode(), created.body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> members = (List<Map<String, Object>>) atSentry(tenant).get(0).get("members");
        assertEquals(body.get("email"), members.get(0).get("email"));
        HttpResponse<String> done = driver.link(new Http(), (String) driver.map(created.body()).get("link_url"),
                (String) members.get(0).get("user_id"), slug);
        assertEquals("connected", query(location(done)).get("sentry_connect"), location(done));
        assertEquals(grant.get("id"), query(location(done)).get("grant_id"));

        Map<String, Object> row = grants(tenant).get(0);
        assertEquals(1, grants(tenant).size());
        assertEquals("active", row.get("status"));
        assertEquals("provisioned", row.get("kind"), "the organization is still the one provisioned for the tenant");
        assertNotNull(row.get("refresh_token"), "an OAuth grant now: refreshed like any linked grant");
        assertNotNull(row.get("expires_at"));
        assertEquals(body.get("email"), row.get("sentry_user_email"));
        assertEquals(200, proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/").statusCode());

        // A later provisioning call adds projects but keeps the user's live OAuth authorization.
        Map<String, Object> again = provisioned(jwt, body("us", "Backend", "Mobile"));
        assertEquals(grant.get("id"), again.get("id"));
        assertEquals(2, projects(again).size());
        assertTrue(java.util.Arrays.equals((byte[]) row.get("refresh_token"), (byte[]) grants(tenant).get(0).get("refresh_token")));
        assertEquals(200, proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/").statusCode());
    }

    @Test
    void provisioningAgainWithATokenOfAnotherScopeSetWritesScopesChangedAndTheSameSetDoesNot() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> grant = provisioned(jwt, body("us", "Backend"));
        List<String> granted = eventScopes(tenant, 0);
        assertTrue(granted.contains("project:write"), granted.toString());
        // As if the grant had been recorded from an integration token with other scopes than today's.
        TestDatabase.execute("UPDATE sentry_connect_grant SET scopes = 'org:read project:read member:admin' WHERE id = '"
                + java.util.UUID.fromString((String) grant.get("id")) + "'");

        assertEquals(grant.get("id"), provisioned(jwt, body("us", "Backend")).get("id"));
        assertEquals(grant.get("id"), provisioned(jwt, body("us", "Backend")).get("id"));
        assertEquals(List.of("grant.connected", "grant.scopes_changed"), eventTypes(tenant),
                "the second repeat carries the same set: no change, and an active grant's repeat is no reconnect");
        Map<String, Object> data = eventData(tenant, 1);
        assertEquals(List.of("org:read", "project:read", "member:admin"), data.get("previous_scopes"));
        assertEquals(List.of("member:admin"), data.get("removed_scopes"));
        java.util.Set<String> added = new java.util.HashSet<>(granted);
        added.removeAll(List.of("org:read", "project:read"));
        assertEquals(added, java.util.Set.copyOf((List<?>) data.get("added_scopes")));
    }

    private List<Object> eventTypes(String tenant) {
        return events(tenant).stream().map(e -> e.get("type")).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> eventData(String tenant, int index) {
        return (Map<String, Object>) events(tenant).get(index).get("data");
    }

    @SuppressWarnings("unchecked")
    private List<String> eventScopes(String tenant, int index) {
        return (List<String>) ((Map<String, Object>) eventData(tenant, index).get("grant")).get("scopes");
    }

    private List<Map<String, Object>> events(String tenant) {
        return TestDatabase.query("SELECT payload FROM sentry_connect_grant_event WHERE tenant_id = ? ORDER BY id", tenant)
                .stream().map(row -> driver.map(String.valueOf(row.get("payload")))).toList();
    }

    @Test
    void disconnectDestroysTheTokenAndProvisioningAgainRevivesTheSameGrant() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> grant = provisioned(jwt, body("de", "Backend"));
        assertEquals(204, new Http().delete(serviceUrl() + "/api/v1/grants/" + grant.get("id"), Http.bearer(jwt)).statusCode());
        Map<String, Object> row = grants(tenant).get(0);
        assertEquals("disconnected", row.get("status"));
        assertNull(row.get("access_token"));
        assertEquals(409, proxy(jwt, grant.get("id"), "organizations/" + organization(grant).get("slug") + "/").statusCode());

        Map<String, Object> again = provisioned(jwt, body("de", "Backend"));
        assertEquals(grant.get("id"), again.get("id"));
        assertEquals("active", again.get("status"));
        assertEquals(200, proxy(jwt, grant.get("id"), "organizations/" + organization(grant).get("slug") + "/").statusCode());
    }
}
