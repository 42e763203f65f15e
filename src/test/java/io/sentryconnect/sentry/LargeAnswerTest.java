package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.http.HttpProperties;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An answer of Sentry's larger than {@code sentry-connect.http.api-max-content-length} (64 KB here): refused with
 * {@code 502 sentry_answer_too_large}, sent once (the same request would get the same answer: no retry), the grant
 * untouched; an answer under it passes whole. Before the key, such an answer met the client's fixed 10 MiB, was
 * fetched three times and answered {@code sentry_unavailable}, "Sentry could not be reached".
 */
@MicronautTest(environments = "test", transactional = false)
class LargeAnswerTest extends ServiceTest {
    private static final String PROJECTS = "/api/0/organizations/acme/projects/";

    @Inject
    HttpProperties http;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.http.api-max-content-length", "64KB");
    }

    @Test
    void theKeyTakesASizeAndNoneThatTakesNothing() {
        assertEquals(64 * 1024, http.apiMaxContentLength());
        Map<String, Object> properties = io.sentryconnect.support.PluginProperties.complete(2);
        properties.put("sentry-connect.http.api-max-content-length", "0");
        RuntimeException stopped = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> {
            try (io.micronaut.context.ApplicationContext ignored = io.micronaut.context.ApplicationContext.builder()
                    .deduceEnvironment(false).enableDefaultPropertySources(false).properties(properties).start()) {
                throw new AssertionError("started with an api-max-content-length of 0");
            }
        });
        assertTrue(String.valueOf(stopped.getMessage()).startsWith("sentry-connect.http.api-max-content-length must be a positive size"),
                stopped.getMessage());
    }

    @Test
    void anAnswerOverTheLimitIsRefusedOnceAndTheGrantStays() {
        Linked grant = link("1", "acme");
        standIn.addFault(Fault.content(PROJECTS, 200, "application/json", projects(80 * 1024), 3));
        int before = standIn.requests(PROJECTS).size();
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(502, response.statusCode(), response.body());
        assertEquals("sentry_answer_too_large", driver.map(response.body()).get("code"), response.body());
        assertTrue(response.body().contains("sentry-connect.http.api-max-content-length"), response.body());
        assertEquals(1, standIn.requests(PROJECTS).size() - before, "sent once, not retried");
        assertEquals("active", grantRow(grant).get("status"));

        standIn.clearFaults();
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
    }

    @Test
    void anAnswerUnderTheLimitPassesWhole() {
        Linked grant = link("1", "acme");
        String body = projects(60 * 1024);
        standIn.addFault(Fault.content(PROJECTS, 200, "application/json", body, 1));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(200, response.statusCode());
        assertEquals(body, response.body());
    }

    /** A JSON list of about {@code bytes} bytes. */
    private static String projects(int bytes) {
        return "[{\"slug\":\"big\",\"padding\":\"" + "a".repeat(bytes) + "\"}]";
    }
}
