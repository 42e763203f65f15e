package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Regions check tokens against {@code ApiTokenReplica}, a copy that is replicated asynchronously
 * ({@code src/sentry/api/authentication.py}, {@code UserAuthTokenAuthentication._find_or_update_token_by_hash}).
 */
class RegionReplicaLagTest {

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private void lag(long ms) {
        h.standIn.updateSettings(h.standIn.settings().withRegionReplicaLagMs(ms));
    }

    private static void assertInvalidToken(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("{\"detail\":\"Invalid token\"}", response.body());
        assertEquals("xBasic realm=\"api\"", response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void aFreshTokenIsUnknownAtItsRegionButKnownAtOnceToTheControlSilo() {
        lag(60_000);
        String token = h.accessToken("1", "acme", READ_SCOPES);
        assertInvalidToken(h.apiGet(h.us("/api/0/organizations/acme/projects/"), token));
        assertInvalidToken(h.apiGet(h.us("/api/0/organizations/"), token));
        // The main origin's organizations list is the us region's (sentry.io's gateway hands it there): lagged too.
        assertInvalidToken(h.apiGet(h.main("/api/0/organizations/"), token));
        // A control-silo URL knows the token at once: its refusal is the org-scoped one, not Invalid token.
        assertEquals("{\"detail\":\"This token access is limited to organization endpoints.\"}",
                h.apiGet(h.main("/api/0/"), token).body());
    }

    @Test
    void aRefreshedTokenIsUnknownAtTheRegionUntilTheReplicaCatchesUp() {
        Map<String, Object> first = h.link("1", "acme", READ_SCOPES);
        String old = (String) first.get("access_token");
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/"), old).statusCode(), "no lag by default");
        lag(60_000);
        Map<String, Object> second = h.object(h.refresh((String) first.get("refresh_token")));
        String fresh = (String) second.get("access_token");
        assertInvalidToken(h.apiGet(h.us("/api/0/organizations/acme/"), fresh));
        assertEquals("{\"detail\":\"This token access is limited to organization endpoints.\"}",
                h.apiGet(h.main("/api/0/"), fresh).body(), "known at once to the control silo");
    }

    @Test
    void theLagIsMeasuredInRealTimeNotOnTheStandInsClock() {
        lag(60_000);
        String token = h.accessToken("1", "acme", READ_SCOPES);
        long issued = System.nanoTime();
        h.clock.advance(Duration.ofHours(2));
        assertInvalidToken(h.apiGet(h.us("/api/0/organizations/acme/"), token));

        lag(5);
        // Spin on the real clock (no sleep) until the token is certainly older than 5 ms.
        while (System.nanoTime() - issued < Duration.ofMillis(6).toNanos()) {
            Thread.onSpinWait();
        }
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/"), token).statusCode(),
                "older than the lag: the replica has it, though the stand-in's clock never moved for it");
    }
}
