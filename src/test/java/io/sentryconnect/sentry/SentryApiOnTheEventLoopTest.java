package io.sentryconnect.sentry;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A host controller without {@code @ExecuteOn} runs on the event loop: the async variant works there, the blocking one says why it must not. */
@MicronautTest(environments = "test", transactional = false)
class SentryApiOnTheEventLoopTest extends IntegrationTest {
    @jakarta.inject.Inject
    SentryStandIn standIn;
    @jakarta.inject.Inject
    JsonMapper json;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("spec.name", "SentryApiOnTheEventLoopTest");
    }

    /** What a host's reactive controller looks like: no @ExecuteOn, so Micronaut runs it on an event loop thread. */
    @Controller("/host/projects")
    @Requires(property = "spec.name", value = "SentryApiOnTheEventLoopTest")
    @Secured(SecurityRule.IS_ANONYMOUS)
    static class HostController {
        private final SentryApi sentry;

        HostController(SentryApi sentry) {
            this.sentry = sentry;
        }

        @Get("/async")
        CompletableFuture<String> async(@QueryValue String tenant, @QueryValue String grant) {
            return sentry.callAsync(new PlatformCaller(tenant, "u1", false), UUID.fromString(grant),
                    SentryRequest.get("organizations/acme/projects/")).thenApply(r -> r.status() + " " + Thread.currentThread().getName());
        }

        @Get("/blocking")
        String blocking(@QueryValue String tenant, @QueryValue String grant) {
            try {
                return String.valueOf(sentry.call(new PlatformCaller(tenant, "u1", false), UUID.fromString(grant),
                        SentryRequest.get("organizations/acme/projects/")).status());
            } catch (IllegalStateException e) {
                return "refused: " + e.getMessage();
            }
        }
    }

    @Test
    void onTheEventLoopCallAsyncWorksAndTheBlockingCallRefusesWithAMessageThatSaysWhy() {
        LinkDriver driver = new LinkDriver(serviceUrl(), standIn, json);
        String tenant = "t-" + UUID.randomUUID();
        String grant = query(location(driver.link(driver.jwt(tenant, "u1"), "1", "acme"))).get("grant_id");
        int before = standIn.requests("/api/0/organizations/acme/projects/").size();

        HttpResponse<String> async = new Http().get(serviceUrl() + "/host/projects/async?tenant=" + tenant + "&grant=" + grant);
        assertEquals(200, async.statusCode(), async.body());
        assertTrue(async.body().startsWith("200 "), async.body());
        assertEquals(before + 1, standIn.requests("/api/0/organizations/acme/projects/").size());

        HttpResponse<String> blocking = new Http().get(serviceUrl() + "/host/projects/blocking?tenant=" + tenant + "&grant=" + grant);
        assertTrue(blocking.body().startsWith("refused: SentryApi.call blocks"), blocking.body());
        assertTrue(blocking.body().contains("callAsync"), blocking.body());
        assertEquals(before + 1, standIn.requests("/api/0/organizations/acme/projects/").size(), "nothing was sent");
    }
}
