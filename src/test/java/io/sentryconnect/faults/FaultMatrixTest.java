package io.sentryconnect.faults;

import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.events.WebhookDelivery;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.standin.Settings;
import io.sentryconnect.support.FaultyWebhookReceiver;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.TestClock;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every phase that talks to something outside the process, against every way that something fails. Each cell
 * asserts what the caller sees, that the grant row is byte for byte what it was (or correctly updated), and that
 * no event was lost. One application context for all cells; timeouts are the test configuration's short ones.
 *
 * <pre>
 * phase \ fault          500 / 503 / 429 (both shapes)    timeout                 reset                  malformed body
 * token exchange         back with sentry_unavailable     sentry_unavailable      sentry_unavailable     token_exchange_failed
 * org discovery          back with sentry_unavailable     sentry_unavailable      sentry_unavailable     org_discovery_failed
 * refresh                502 sentry_unavailable, kept     504 sentry_timeout (*)  502, kept              502 (*)
 *                        (a 429 answers 429 sentry_rate_limited with Retry-After, tokens kept)
 * proxied call (GET)     5xx: 3 tries, 502; 429 passed    3 tries, 504            3 tries, 502           200 passed through
 *                        through once with Retry-After
 * webhook delivery       attempt recorded, retried, delivered later (at least once)
 * </pre>
 * (*) Sentry did refresh (the endpoint ran, the answer was lost); with rotation the stored refresh token is dead, so
 * the next call turns the grant revoked with its event, the honest outcome: see {@link #aFaultDuringARefreshFailsTheCallKeepsTheTokensAndALostAnswerEndsInRevocation}.
 */
@MicronautTest(environments = "test", transactional = false)
class FaultMatrixTest extends IntegrationTest {
    private static final String WEBHOOK_SECRET = "fault-matrix-webhook-secret-0123456789";
    private static final String PROJECTS = "/api/0/organizations/acme/projects/";
    /** Beyond the token client's read timeout (3 s in the test configuration). */
    private static final long TOKEN_TIMEOUT_DELAY_MS = 3_600;
    /** Beyond the Sentry API clients' and the webhook client's read timeout (1 s). */
    private static final long API_TIMEOUT_DELAY_MS = 1_500;

    private final FaultyWebhookReceiver receiver = new FaultyWebhookReceiver();

    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;
    @Inject
    TestClock clock;
    @Inject
    WebhookDelivery delivery;

    private LinkDriver driver;

    /** A fault of the stand-in, by the name the matrix uses. */
    enum SentryFault {
        HTTP_500, HTTP_503, HTTP_429_STRING, HTTP_429_DETAIL, TIMEOUT, RESET, MALFORMED;

        Fault on(String pathPrefix, int count, long timeoutDelayMs) {
            return switch (this) {
                case HTTP_500 -> Fault.status(pathPrefix, 500, count);
                case HTTP_503 -> Fault.status(pathPrefix, 503, count);
                case HTTP_429_STRING -> Fault.status(pathPrefix, 429, count);
                case HTTP_429_DETAIL -> Fault.statusWithDetail(pathPrefix, 429, "Request was throttled. Expected available in 42 seconds.", count);
                case TIMEOUT -> Fault.delay(pathPrefix, timeoutDelayMs, count);
                case RESET -> Fault.reset(pathPrefix, count);
                case MALFORMED -> Fault.malformed(pathPrefix, count);
            };
        }

        /** The grant's {@code last_failure_reason} after a refresh met this fault. */
        String refreshFailureReason() {
            return switch (this) {
                case HTTP_500, HTTP_503, RESET -> "sentry_unavailable";
                case HTTP_429_STRING, HTTP_429_DETAIL -> "rate_limited";
                case TIMEOUT -> "timeout";
                case MALFORMED -> "malformed_response";
            };
        }

        boolean serverError() {
            return this == HTTP_500 || this == HTTP_503;
        }

        boolean rateLimited() {
            return this == HTTP_429_STRING || this == HTTP_429_DETAIL;
        }

        /** The fault let Sentry's endpoint run to the end, and only its answer was lost. */
        boolean endpointRan() {
            return this == TIMEOUT || this == MALFORMED;
        }
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.webhook.url", receiver.url(),
                "sentry-connect.webhook.secret", WEBHOOK_SECRET,
                "sentry-connect.webhook.poll-initial-delay", "1h",
                "sentry-connect.webhook.max-attempts", "5",
                "sentry-connect.http.webhook-read-timeout", "1s");
    }

    @BeforeAll
    void setUp() {
        driver = new LinkDriver(serviceUrl(), standIn, json);
    }

    @AfterAll
    void tearDown() {
        receiver.close();
        // Other classes count the grants their background job refreshes across the whole table: leave none of ours.
        TestDatabase.execute("DELETE FROM sentry_connect_grant_event WHERE tenant_id LIKE 't-fm-%'");
        TestDatabase.execute("DELETE FROM sentry_connect_grant WHERE tenant_id LIKE 't-fm-%'");
    }

    @AfterEach
    void resetWorld() {
        clock.reset();
        standIn.clearFaults();
        standIn.updateSettings(Settings.DEFAULTS);
    }

    // --- the callback: token exchange and organization discovery ---------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(SentryFault.class)
    void aFaultDuringTheTokenExchangeSendsTheBrowserBackWithACodeAndWritesNothing(SentryFault fault) {
        String code = fault == SentryFault.MALFORMED ? "token_exchange_failed" : "sentry_unavailable";
        assertCallbackFails(fault.on("/oauth/token/", 1, TOKEN_TIMEOUT_DELAY_MS), code, "/oauth/token/");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SentryFault.class)
    void aFaultDuringOrganizationDiscoverySendsTheBrowserBackWithACodeAndWritesNothing(SentryFault fault) {
        String code = fault == SentryFault.MALFORMED ? "org_discovery_failed" : "sentry_unavailable";
        assertCallbackFails(fault.on("/api/0/organizations/", 1, API_TIMEOUT_DELAY_MS), code, "/api/0/organizations/");
    }

    private void assertCallbackFails(Fault fault, String expectedCode, String faultedPath) {
        String tenant = "t-fm-" + UUID.randomUUID();
        Http browser = new Http();
        HttpResponse<String> toSentry = driver.start(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        standIn.approveNext("1", "acme");
        String callback = location(browser.get(location(toSentry)));
        int before = standIn.requests(faultedPath).size();
        standIn.addFault(fault);

        HttpResponse<String> done = browser.get(callback);

        assertEquals(302, done.statusCode(), done.body());
        assertEquals(Map.of("sentry_connect", "error", "code", expectedCode), query(location(done)), location(done));
        assertTrue(location(done).startsWith(LinkDriver.RETURN_TO + "?"), location(done));
        awaitRequests(faultedPath, before + 1);
        assertEquals(List.of(), TestDatabase.query("SELECT id FROM sentry_connect_grant WHERE tenant_id = ?", tenant), "no grant written");
        assertEquals(List.of(), events(tenant), "no event for a grant that does not exist");
        assertEquals("error", query(location(browser.get(callback))).get("sentry_connect"), "the state stays consumed");
        // The same user links at once when Sentry is back: nothing was left half done.
        assertEquals("connected", query(location(driver.link(driver.jwt(tenant, "u1"), "1", "acme"))).get("sentry_connect"));
        assertEquals(List.of("grant.connected"), events(tenant));
    }

    // --- refresh -----------------------------------------------------------------------------------------------------

    /**
     * The stored access token was expired at Sentry, so the call needs a refresh, and the refresh meets the fault.
     * The call fails with a problem and the row is unchanged. Where the fault stopped the request before Sentry's
     * endpoint (status, reset), the next call refreshes and succeeds. Where the endpoint ran and only the answer was
     * lost (timeout, malformed body), Sentry has rotated the refresh token we never received: the next call's refresh
     * is answered invalid_grant and the grant turns revoked, with its event and a reconnect link. Nothing on our side
     * can recover a token that only existed in the lost answer.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(SentryFault.class)
    void aFaultDuringARefreshFailsTheCallKeepsTheTokensAndALostAnswerEndsInRevocation(SentryFault fault) {
        Linked grant = link("1", "acme");
        Map<String, Object> before = grantRow(grant);
        standIn.expire("acme");
        long refreshesBefore = refreshRequests(r -> true);
        standIn.addFault(fault.on("/oauth/token/", 1, TOKEN_TIMEOUT_DELAY_MS));

        HttpResponse<String> failed = proxy(grant);

        if (fault.rateLimited()) {
            assertProblem(failed, 429, "sentry_rate_limited");
            long retryAfter = Long.parseLong(failed.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After from Sentry's rate-limit reset: " + retryAfter);
        } else {
            assertProblem(failed, fault == SentryFault.TIMEOUT ? 504 : 502, fault == SentryFault.TIMEOUT ? "sentry_timeout" : "sentry_unavailable");
        }
        Map<String, Object> failedRow = grantRow(grant);
        assertEquals(fault.refreshFailureReason(), failedRow.get("last_failure_reason"), "the failure is on the grant");
        assertEquals(withoutHealth(before), withoutHealth(failedRow), "the grant row, tokens and version are exactly as before");
        assertEquals(List.of("grant.connected", "grant.refresh_failed"), events(grant.tenant()));
        awaitRefreshRequests(refreshesBefore + 1);
        List<RequestLogEntry> refreshes = standIn.requests("/oauth/token/");
        RequestLogEntry faulted = refreshes.get(refreshes.size() - 1);
        assertEquals(fault.endpointRan(), faulted.status() == 200, "whether Sentry's endpoint ran: " + faulted);

        HttpResponse<String> next = proxy(grant);
        Map<String, Object> after = grantRow(grant);
        if (fault.endpointRan()) {
            assertProblem(next, 409, "grant_revoked");
            assertEquals(serviceUrl() + "/api/v1/grants/" + grant.id() + "/reconnect", driver.map(next.body()).get("reconnect"));
            assertEquals("revoked", after.get("status"));
            assertEquals("refresh_lost", after.get("status_reason"), "the earlier answer was lost: not a revocation by the user");
            assertEquals(before.get("refresh_token"), after.get("refresh_token"), "tokens kept until disconnect");
            assertEquals(List.of("grant.connected", "grant.refresh_failed", "grant.revoked"), events(grant.tenant()));
        } else {
            assertEquals(200, next.statusCode(), next.body());
            assertEquals("active", after.get("status"));
            assertEquals((Long) before.get("token_version") + 1, after.get("token_version"), "one refresh written");
            assertNotEquals(before.get("refresh_token"), after.get("refresh_token"));
            assertEquals(List.of("grant.connected", "grant.refresh_failed", "grant.recovered"), events(grant.tenant()),
                    "a refresh is no grant change; the recovery from a reported failure is");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SentryFault.class, names = {"TIMEOUT", "MALFORMED"})
    void aLostRefreshAnswerLeavesTheGrantWorkingWhenSentryReusesRefreshTokens(SentryFault fault) {
        standIn.updateSettings(new Settings(Settings.DEFAULTS.accessTokenLifetimeSeconds(), false, 0));
        Linked grant = link("1", "acme");
        standIn.expire("acme");
        long refreshesBefore = refreshRequests(r -> true);
        standIn.addFault(fault.on("/oauth/token/", 1, TOKEN_TIMEOUT_DELAY_MS));
        assertEquals(fault == SentryFault.TIMEOUT ? 504 : 502, proxy(grant).statusCode());
        awaitRefreshRequests(refreshesBefore + 1);
        assertEquals(200, proxy(grant).statusCode(), "the kept refresh token still works");
        assertEquals("active", grantRow(grant).get("status"));
    }

    /**
     * A refresh answered 200 with both tokens but without an expiry, or with a {@code token_type} other than bearer:
     * Sentry has rotated all the same, so its answer holds the only live refresh token. It is kept (refusing the
     * answer kept the dead one, and the next refresh revoked the grant). Without an expiry the access token is assumed
     * to last Sentry's default 30 days (not due at once: that would refresh before every call while the answers lack
     * one); a token of another type is sent as bearer and kept until it expires. Neither refreshes on the next call.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"no_expiry", "not_bearer"})
    void aRefreshAnswerWithoutExpiryOrNotBearerKeepsTheRotatedTokens(String shape) {
        Linked grant = link("1", "acme");
        Map<String, Object> before = grantRow(grant);
        standIn.expire("acme");
        long refreshesBefore = refreshRequests(r -> true);
        Map<String, Object> members = new java.util.HashMap<>();
        if (shape.equals("no_expiry")) {
            members.put("expires_in", null);
            members.put("expires_at", null);
        } else {
            members.put("token_type", "mac");
        }
        standIn.addFault(Fault.members("/oauth/token/", members, 1));

        HttpResponse<String> response = proxy(grant);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(refreshesBefore + 1, refreshRequests(r -> true));
        Map<String, Object> after = grantRow(grant);
        assertEquals("active", after.get("status"));
        assertEquals((Long) before.get("token_version") + 1, after.get("token_version"), "the answer was written");
        assertNotEquals(before.get("refresh_token"), after.get("refresh_token"), "the rotated refresh token is kept");
        if (shape.equals("no_expiry")) {
            assertEquals(((java.sql.Timestamp) after.get("token_issued_at")).toInstant().plus(java.time.Duration.ofDays(30)),
                    ((java.sql.Timestamp) after.get("expires_at")).toInstant(), "Sentry's default lifetime assumed");
        }

        assertEquals(200, proxy(grant).statusCode(), "the kept tokens work");
        assertEquals(refreshesBefore + 1, refreshRequests(r -> true), "and the next call does not refresh again");
        assertEquals("active", grantRow(grant).get("status"));
        assertEquals(List.of("grant.connected"), events(grant.tenant()));
    }

    // --- the proxied call ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(SentryFault.class)
    void aFaultOnAProxiedCallAnswersClearlyAndNeverTouchesTheGrant(SentryFault fault) {
        Linked grant = link("1", "acme");
        Map<String, Object> before = grantRow(grant);
        int sentBefore = standIn.requests(PROJECTS).size();
        if (fault == SentryFault.HTTP_429_STRING) {
            // The bare JSON string of older Sentry versions; the stand-in's default is today's {"detail": …}.
            standIn.updateSettings(Settings.DEFAULTS.withRateLimit(0, 1, Settings.RateLimitBody.STRING));
        }
        // Every attempt meets the fault: three for a GET (two retries), unless the first answer is final.
        standIn.addFault(fault.on(PROJECTS, 3, API_TIMEOUT_DELAY_MS));

        HttpResponse<String> response = proxy(grant);

        int attempts;
        if (fault.rateLimited()) {
            attempts = 1;
            assertEquals(429, response.statusCode(), response.body());
            assertTrue(fault == SentryFault.HTTP_429_STRING ? response.body().startsWith("\"You are attempting")
                    : response.body().startsWith("{\"detail\":\"Request was throttled"), "Sentry's body passes through: " + response.body());
            long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After from X-Sentry-Rate-Limit-Reset: " + retryAfter);
            assertEquals("0", response.headers().firstValue("X-Sentry-Rate-Limit-Remaining").orElseThrow());
        } else if (fault == SentryFault.MALFORMED) {
            attempts = 1;
            assertEquals(200, response.statusCode(), "a proxy passes Sentry's bytes through, broken or not");
        } else {
            attempts = 3;
            assertProblem(response, fault == SentryFault.TIMEOUT ? 504 : 502, fault == SentryFault.TIMEOUT ? "sentry_timeout" : "sentry_unavailable");
        }
        awaitRequests(PROJECTS, sentBefore + attempts);
        assertEquals(sentBefore + attempts, standIn.requests(PROJECTS).size(), "attempts sent to Sentry");
        standIn.clearFaults();
        assertEquals(before, grantRow(grant), "the grant row is untouched");
        assertEquals(List.of("grant.connected"), events(grant.tenant()));
        assertEquals(200, proxy(grant).statusCode(), "the next call works");
    }

    // --- webhook delivery ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(FaultyWebhookReceiver.Failure.class)
    void aFailedWebhookDeliveryIsRecordedRetriedAndDeliveredLater(FaultyWebhookReceiver.Failure failure) {
        Linked grant = link("2", "umbrella");
        receiver.failNext(grant.tenant(), failure, API_TIMEOUT_DELAY_MS);

        drainUntil(() -> (Integer) eventRow(grant.tenant()).get("attempts") >= 1);

        Map<String, Object> failed = eventRow(grant.tenant());
        assertEquals(1, failed.get("attempts"));
        assertNull(failed.get("delivered_at"), "not delivered: " + failed);
        assertNull(failed.get("failed_at"), "not given up after one attempt");
        String error = (String) failed.get("last_error");
        assertNotNull(error);
        switch (failure) {
            case HTTP_500 -> assertEquals("HTTP 500", error);
            case HTTP_503 -> assertEquals("HTTP 503", error);
            case HTTP_429_STRING, HTTP_429_DETAIL -> assertEquals("HTTP 429", error);
            default -> assertFalse(error.startsWith("HTTP"), error);
        }
        assertTrue(((Timestamp) failed.get("next_attempt_at")).toInstant().isAfter(clock.instant()), "retried later, with backoff");

        clock.advance(Duration.ofMinutes(1));
        drainUntil(() -> eventRow(grant.tenant()).get("delivered_at") != null);
        Map<String, Object> delivered = eventRow(grant.tenant());
        assertEquals(2, delivered.get("attempts"));
        assertNull(delivered.get("last_error"));
        String eventId = delivered.get("event_id").toString();
        long seen = receiver.received().stream().filter(body -> body.contains(eventId)).count();
        // Every failing receiver had read the event before failing, so it has it twice: at least once, never lost.
        assertEquals(2, seen, "deliveries of " + eventId);
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    record Linked(String tenant, String id, String jwt) {
    }

    private Linked link(String sentryUser, String org) {
        String tenant = "t-fm-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        HttpResponse<String> done = driver.link(jwt, sentryUser, org);
        String grantId = query(location(done)).get("grant_id");
        assertNotNull(grantId, location(done));
        return new Linked(tenant, grantId, jwt);
    }

    private HttpResponse<String> proxy(Linked grant) {
        return new Http().get(serviceUrl() + "/api/v1/grants/" + grant.id() + "/sentry/organizations/acme/projects/", Http.bearer(grant.jwt()));
    }

    private void assertProblem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals(code, driver.map(response.body()).get("code"), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    /** The grant's row with byte columns as hex, so that two reads compare by value. */
    private static Map<String, Object> grantRow(Linked grant) {
        Map<String, Object> row = TestDatabase.query("SELECT * FROM sentry_connect_grant WHERE id = ?::uuid", grant.id()).get(0);
        row.replaceAll((k, v) -> v instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : v);
        return row;
    }

    /** The row without its health columns (the last failure and its streak), which a failed refresh writes. */
    private static Map<String, Object> withoutHealth(Map<String, Object> row) {
        Map<String, Object> rest = new java.util.LinkedHashMap<>(row);
        rest.keySet().removeAll(List.of("last_failure_at", "last_failure_reason", "failure_attempts", "failure_reported",
                "failure_event_at"));
        return rest;
    }

    private static List<Object> events(String tenant) {
        return TestDatabase.query("SELECT type FROM sentry_connect_grant_event WHERE tenant_id = ? ORDER BY id", tenant).stream()
                .map(r -> r.get("type")).toList();
    }

    private static Map<String, Object> eventRow(String tenant) {
        return TestDatabase.query("SELECT * FROM sentry_connect_grant_event WHERE tenant_id = ? ORDER BY id", tenant).get(0);
    }

    private long refreshRequests(Predicate<RequestLogEntry> filter) {
        return standIn.requests("/oauth/token/").stream().filter(r -> "refresh_token".equals(r.grantType())).filter(filter).count();
    }

    /** A delayed request lands in the stand-in's log only when its delay is over: wait for it (bounded). */
    private void awaitRefreshRequests(long count) {
        await(() -> refreshRequests(r -> true) >= count, "refresh requests: " + count);
    }

    private void awaitRequests(String prefix, int count) {
        await(() -> standIn.requests(prefix).size() >= count, prefix + " requests: " + count);
    }

    private void drainUntil(java.util.function.BooleanSupplier done) {
        await(() -> {
            delivery.deliverBatch();
            return done.getAsBoolean();
        }, "webhook delivery");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        io.sentryconnect.support.Await.until(condition, what, java.time.Duration.ofSeconds(15));
    }
}
