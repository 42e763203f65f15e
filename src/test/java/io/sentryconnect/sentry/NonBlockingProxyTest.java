package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.grant.GrantTokenCache;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.support.Await;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls on a grant in the token cache, which take the non-blocking path first ({@link NonBlockingCalls}): whatever
 * Sentry answers, the caller sees what the blocking path gives, with the same attempts sent to Sentry.
 */
@MicronautTest(environments = "test", transactional = false)
class NonBlockingProxyTest extends ServiceTest {
    private static final String PROJECTS = "/api/0/organizations/acme/projects/";

    @Inject
    GrantTokenCache cache;

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {500, 503})
    void aServerErrorOnACachedGrantIsRetriedTwiceInAllAsOnTheBlockingPath(int status) {
        Linked grant = cached();
        int sent = standIn.requests(PROJECTS).size();
        standIn.addFault(Fault.status(PROJECTS, status, 3));
        HttpResponse<String> response = proxy(grant);
        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.body().contains("sentry_unavailable"), response.body());
        assertEquals(sent + 3, standIn.requests(PROJECTS).size(), "one attempt and two retries");
    }

    @Test
    void oneServerErrorOnACachedGrantIsRetriedOnceAndTheAnswerPassesThrough() {
        Linked grant = cached();
        int sent = standIn.requests(PROJECTS).size();
        standIn.addFault(Fault.status(PROJECTS, 503, 1));
        HttpResponse<String> response = proxy(grant);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of(503, 200), statusesSince(sent));
    }

    @Test
    void aTimeoutOnACachedGrantIsRetriedAsOnTheBlockingPath() {
        Linked grant = cached();
        int sent = standIn.requests(PROJECTS).size();
        standIn.addFault(Fault.delay(PROJECTS, 1_500, 3));
        HttpResponse<String> response = proxy(grant);
        assertEquals(504, response.statusCode(), response.body());
        Await.until(() -> standIn.requests(PROJECTS).size() >= sent + 3, "three attempts", Duration.ofSeconds(10));
        assertEquals(sent + 3, standIn.requests(PROJECTS).size());
    }

    @Test
    void anExpiredTokenOnACachedGrantIsRefreshedOnceAndTheCallSucceeds() {
        Linked grant = cached();
        standIn.expire("acme");
        long refreshes = tokenRequests();
        int sent = standIn.requests(PROJECTS).size();
        HttpResponse<String> response = proxy(grant);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, tokenRequests() - refreshes, "exactly one token request");
        assertEquals(List.of(401, 200), statusesSince(sent), "the 401 of the first attempt was not sent again with the old token");
        assertEquals(200, proxy(grant).statusCode());
        assertEquals(1, tokenRequests() - refreshes);
    }

    @Test
    void aRequestScope401OnACachedGrantIsAForbiddenAndChangesNothing() {
        Linked grant = cached();
        Map<String, Object> before = tokenState(grant);
        int sent = standIn.requests(PROJECTS).size();
        standIn.addFault(Fault.statusWithDetail(PROJECTS, 401, "Unauthorized organization access.", 1));
        HttpResponse<String> response = proxy(grant);
        assertEquals(403, response.statusCode(), response.body());
        assertEquals(List.of(401), statusesSince(sent), "sent once");
        assertEquals(before, tokenState(grant));
    }

    @Test
    void aPathOutsideTheGrantsOrganizationIsRefusedForACachedGrantAndNothingIsSent() {
        Linked grant = cached();
        int sent = standIn.requests(null).size();
        HttpResponse<String> response = new Http().get(serviceUrl() + "/api/v1/grants/" + grant.grantId()
                + "/sentry/organizations/globex/projects/", Http.bearer(grant.jwt()));
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(sent, standIn.requests(null).size());
    }

    /** A new grant, called until this instance serves it from its cache. */
    private Linked cached() {
        Linked grant = driver.linkForNewTenant("1", "acme");
        PlatformCaller caller = new PlatformCaller(grant.tenant(), "u1", false);
        Await.until(() -> proxy(grant).statusCode() == 200 && cache.cachedVisible(caller, UUID.fromString(grant.grantId())).isPresent(),
                "the grant is cached", Duration.ofSeconds(30));
        return grant;
    }

    private HttpResponse<String> proxy(Linked grant) {
        return proxy(grant, "organizations/acme/projects/");
    }

    private List<Integer> statusesSince(int index) {
        List<RequestLogEntry> all = standIn.requests(PROJECTS);
        return all.subList(index, all.size()).stream().map(RequestLogEntry::status).toList();
    }

    /** The columns a failed call must leave as they were (the token as hex, so that two reads compare by value). */
    private Map<String, Object> tokenState(Linked grant) {
        return TestDatabase.query("SELECT status, status_reason, token_version, updated_at, encode(access_token, 'hex') AS access_token "
                + "FROM sentry_connect_grant WHERE id = ?::uuid", grant.grantId()).get(0);
    }

    private long tokenRequests() {
        return standIn.requests("/oauth/token/").stream().filter(r -> "refresh_token".equals(r.grantType())).count();
    }
}
