package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sentry's rate limits ({@code src/sentry/middleware/ratelimit.py}, {@code src/sentry/ratelimits/utils.py},
 * {@code src/sentry/ratelimits/config.py}): a fixed 1-second window per caller, rate-limit group and method, and per
 * endpoint for endpoints that declare limits of their own.
 */
class RateLimitTest {

    private static final String DETAIL_3 =
            "{\"detail\":\"You are attempting to use this endpoint too frequently. Limit is 3 requests in 1 seconds\"}";

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private void limit(int limit) {
        h.standIn.updateSettings(Settings.DEFAULTS.withRateLimit(limit, 1, Settings.RateLimitBody.DETAIL));
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void aRequestThatReadTheSettingsBeforeTheyChangedDoesNotStartTheCountAgain() {
        RateLimiter limiter = new RateLimiter();
        java.time.Instant now = java.time.Instant.parse("2026-12-01T12:00:00.250Z");
        assertFalse(limiter.hit("user:default:GET:1", 2, 1, 2, now).limited(), "the first under the new limit of 2");
        // In flight since before the change: it read version 1 (no limit) and is counted after the first one.
        assertFalse(limiter.hit("user:default:GET:1", 0, 1, 1, now).limited());
        assertTrue(limiter.hit("user:default:GET:1", 2, 1, 2, now).limited(),
                "the third request in the window is over the new limit: the older read did not clear the count");
    }

    @Test
    void pastTheLimitTheApiAnswers429WithSentrysDetailBodyExhaustedHeadersAndNoRetryAfter() {
        limit(3);
        String token = h.accessToken("1", "acme", READ_SCOPES);
        URI projects = h.us("/api/0/organizations/acme/projects/");
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> ok = h.apiGet(projects, token);
            assertEquals(200, ok.statusCode());
            assertEquals("3", header(ok, "X-Sentry-Rate-Limit-Limit"));
            assertEquals(Integer.toString(3 - i), header(ok, "X-Sentry-Rate-Limit-Remaining"));
            assertEquals("999", header(ok, "X-Sentry-Rate-Limit-ConcurrentLimit"), "SENTRY_CONCURRENT_RATE_LIMIT_DEFAULT");
            assertEquals("998", header(ok, "X-Sentry-Rate-Limit-ConcurrentRemaining"), "this request is the one in flight");
        }
        HttpResponse<String> limited = h.apiGet(projects, token);
        assertEquals(429, limited.statusCode());
        assertEquals(DETAIL_3, limited.body());
        assertEquals("text/html; charset=utf-8", header(limited, "Content-Type"), "Django's default: a JSON body, not a JSON type");
        assertFalse(limited.headers().firstValue("Retry-After").isPresent());
        assertEquals("0", header(limited, "X-Sentry-Rate-Limit-Remaining"));
        assertEquals(Long.toString(h.clock.instant().getEpochSecond() + 1), header(limited, "X-Sentry-Rate-Limit-Reset"),
                "the end of the current second");
        assertEquals("999", header(limited, "X-Sentry-Rate-Limit-ConcurrentLimit"));
        assertNull(header(limited, "X-Sentry-Rate-Limit-ConcurrentRemaining"),
                "a request over the window starts no concurrent request, so there is nothing remaining to report");
    }

    @Test
    void theWindowIsOneSecondByDefault() {
        limit(1);
        String token = h.accessToken("1", "acme", READ_SCOPES);
        URI orgs = h.main("/api/0/organizations/");
        assertEquals(200, h.apiGet(orgs, token).statusCode());
        assertEquals(429, h.apiGet(orgs, token).statusCode());
        h.clock.advance(Duration.ofMillis(999));
        assertEquals(429, h.apiGet(orgs, token).statusCode(), "still the same second");
        h.clock.advance(Duration.ofMillis(1));
        assertEquals(200, h.apiGet(orgs, token).statusCode(), "a new window starts after one second");
    }

    @Test
    void allTokensOfOneUserShareOneBucketAcrossOrganizationsButOtherUsersDoNot() {
        limit(2);
        String adaAcme = h.accessToken("1", "acme", READ_SCOPES);
        String adaInitech = h.accessToken("1", "initech", READ_SCOPES);
        String grace = h.accessToken("2", "globex", READ_SCOPES);
        URI orgs = h.main("/api/0/organizations/");
        assertEquals(200, h.apiGet(orgs, adaAcme).statusCode());
        assertEquals(200, h.apiGet(orgs, adaInitech).statusCode());
        HttpResponse<String> third = h.apiGet(orgs, adaAcme);
        assertEquals(429, third.statusCode(), "Ada's third call, whichever token");
        assertEquals(429, h.apiGet(orgs, adaInitech).statusCode());
        assertEquals(200, h.apiGet(orgs, grace).statusCode(), "Grace has a bucket of her own");
    }

    @Test
    void endpointsWithoutLimitsOfTheirOwnShareOneBucketPerCallerAndMethod() {
        limit(2);
        String token = h.accessToken("1", "acme", READ_SCOPES);
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/projects/"), token).statusCode());
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/"), token).statusCode(), "another endpoint, same bucket");
        HttpResponse<String> third = h.apiGet(h.main("/api/0/organizations/"), token);
        assertEquals(429, third.statusCode(), "a third endpoint of the default group: the bucket is full");
        assertEquals("0", header(third, "X-Sentry-Rate-Limit-Remaining"));
        assertEquals(429, h.apiGet(h.us("/api/0/organizations/acme/issues/"), token).statusCode(),
                "the organization's issue list declares no limits either");
        String issueId = h.standIn.fixtures().issuesOf("5001").get(0).id();
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/issues/" + issueId + "/"), token).statusCode(),
                "GroupDetailsEndpoint declares its own limits, so it has a bucket of its own");
    }

    @Test
    void bothUrlsOfOneEndpointDrawFromOneBucket() {
        limit(1);
        String issueId = h.standIn.fixtures().issuesOf("5001").get(0).id();
        // Anonymous callers, so that both URLs are counted for one caller: an org-scoped token on the bare URL is
        // refused by authentication and so counted by address, not by its user.
        assertEquals(401, h.get(h.us("/api/0/organizations/acme/issues/" + issueId + "/")).statusCode());
        assertEquals(429, h.get(h.us("/api/0/issues/" + issueId + "/")).statusCode(),
                "the bare issue URL is the same GroupDetailsEndpoint, whose bucket is full");
        assertEquals(200, h.get(h.us("/api/0/")).statusCode(), "the default group is another bucket");
    }

    @Test
    void settingALimitStartsItsCountFromThen() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        URI orgs = h.main("/api/0/organizations/");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, h.apiGet(orgs, token).statusCode(), "unlimited");
        }
        limit(2);
        assertEquals(200, h.apiGet(orgs, token).statusCode(), "the calls before the limit was set are not counted");
        assertEquals(200, h.apiGet(orgs, token).statusCode());
        assertEquals(429, h.apiGet(orgs, token).statusCode());
    }

    @Test
    void anEndpointWithLimitsOfItsOwnHasABucketPerMethod() {
        limit(1);
        String token = h.accessToken("1", "acme", READ_SCOPES + " event:write");
        String issueId = h.standIn.fixtures().issuesOf("5001").get(0).id();
        URI issue = h.us("/api/0/organizations/acme/issues/" + issueId + "/");
        assertEquals(200, h.apiGet(issue, token).statusCode());
        assertEquals(429, h.apiGet(issue, token).statusCode());
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/acme/projects/"), token).statusCode(),
                "an endpoint of the default group");
        String otherIssue = h.standIn.fixtures().issuesOf("5001").get(1).id();
        assertEquals(429, h.apiGet(h.us("/api/0/organizations/acme/issues/" + otherIssue + "/"), token).statusCode(),
                "another issue is the same endpoint, so the same bucket");
        HttpResponse<String> put = h.send("PUT", issue, "{\"hasSeen\":true}", "Authorization", "Bearer " + token,
                "Content-Type", "application/json");
        assertEquals(200, put.statusCode(), "PUT has a bucket apart from GET: " + put.body());
    }

    @Test
    void anonymousCallersAndFailedTokensAreLimitedByAddress() {
        limit(2);
        String acme = h.accessToken("1", "acme", READ_SCOPES);
        assertEquals(200, h.get(h.main("/api/0/")).statusCode());
        assertEquals(401, h.apiGet(h.main("/api/0/"), acme).statusCode(), "refused by the org-scoped rule: anonymous");
        assertEquals(429, h.get(h.main("/api/0/")).statusCode(), "the address's bucket is full");
        assertEquals(429, h.apiGet(h.main("/api/0/"), "f".repeat(64)).statusCode(), "an unknown token too");
        assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), acme).statusCode(), "the user's bucket is apart");
    }

    @Test
    void theBareStringBodyAndTheWindowLengthAreSettings() {
        h.standIn.updateSettings(Settings.DEFAULTS.withRateLimit(1, 60, Settings.RateLimitBody.STRING));
        String token = h.accessToken("1", "acme", READ_SCOPES);
        URI orgs = h.main("/api/0/organizations/");
        assertEquals(200, h.apiGet(orgs, token).statusCode());
        h.clock.advance(Duration.ofSeconds(30));
        HttpResponse<String> limited = h.apiGet(orgs, token);
        assertEquals(429, limited.statusCode());
        assertEquals("\"You are attempting to use this endpoint too frequently. Limit is 1 requests in 60 seconds\"",
                limited.body());
        assertEquals("text/html; charset=utf-8", header(limited, "Content-Type"),
                "older versions too answered with a plain HttpResponse of json.dumps(…)");
        assertEquals(Long.toString(h.clock.instant().getEpochSecond() / 60 * 60 + 60),
                header(limited, "X-Sentry-Rate-Limit-Reset"));
    }

    @Test
    void everyApiAnswerCarriesRateLimitHeadersEvenUnlimited() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        for (HttpResponse<String> response : List.of(h.apiGet(h.main("/api/0/organizations/"), token),
                h.apiGet(h.main("/api/0/"), token), h.get(h.main("/api/0/")), h.apiGet(h.us("/api/0/nothing/"), token))) {
            assertEquals("1000000", header(response, "X-Sentry-Rate-Limit-Limit"), response.uri().toString());
            for (String name : List.of("X-Sentry-Rate-Limit-Remaining", "X-Sentry-Rate-Limit-Reset",
                    "X-Sentry-Rate-Limit-ConcurrentLimit", "X-Sentry-Rate-Limit-ConcurrentRemaining")) {
                assertTrue(response.headers().firstValue(name).isPresent(), name + " on " + response.uri());
            }
        }
    }

    @Test
    void theTokenEndpointIsNeverLimitedAndSendsNoRateLimitHeaders() {
        limit(1);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = h.postForm(h.main("/oauth/token/"),
                    StandInHarness.tokenForm("0".repeat(64)));
            assertEquals(400, response.statusCode(), "invalid_grant every time, never 429");
            assertEquals("{\"error\":\"invalid_grant\"}", response.body());
            assertTrue(response.headers().map().keySet().stream()
                    .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("x-sentry-rate-limit")),
                    response.headers().map().toString());
        }
        Map<String, Object> tokens = h.link("1", "acme", READ_SCOPES);
        assertEquals(200, h.refresh((String) tokens.get("refresh_token")).statusCode());
    }
}
