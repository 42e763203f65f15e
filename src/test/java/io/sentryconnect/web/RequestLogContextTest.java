package io.sentryconnect.web;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RequestLogContext}: the request id, tenant and grant in every log line of a request (MDC). */
@MicronautTest(environments = "test", transactional = false)
class RequestLogContextTest extends ServiceTest {
    @Test
    void logLinesCarryTheRequestIdTenantAndGrant() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        String grantId = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        HttpResponse<String> response = new Http().delete(serviceUrl() + "/api/v1/grants/" + grantId,
                "Authorization", "Bearer " + jwt, "X-Request-Id", "req-mdc-check-42");
        assertEquals(204, response.statusCode());
        assertEquals("req-mdc-check-42", response.headers().firstValue("X-Request-Id").orElseThrow());
        List<String> lines = LogCapture.linesContaining("request_id=req-mdc-check-42");
        assertFalse(lines.isEmpty(), "the disconnect's log line carries the request id");
        assertTrue(lines.stream().allMatch(l -> l.contains("tenant_id=" + tenant) && l.contains("grant_id=" + grantId)), lines.toString());
        HttpResponse<String> generated = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(jwt));
        String madeUp = generated.headers().firstValue("X-Request-Id").orElseThrow();
        assertEquals(4, java.util.UUID.fromString(madeUp).version(), "a request id is made up when none is sent: " + madeUp);
        HttpResponse<String> another = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(jwt));
        assertFalse(madeUp.equals(another.headers().firstValue("X-Request-Id").orElseThrow()), "each request its own id");
    }
}
