package io.sentryconnect.grant;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host's serde settings are the host's: {@code micronaut.serde.time-write-shape: INTEGER} turns every {@link Instant}
 * the host writes into a number, but the plugin's JSON (grants, links, the grant inside events) keeps the RFC 3339
 * strings its contract names.
 */
@MicronautTest(environments = "test", transactional = false)
@Property(name = "micronaut.serde.time-write-shape", value = "INTEGER")
class TimestampShapeTest extends ServiceTest {
    private static final Pattern RFC_3339 = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    private final Http http = new Http();

    @Test
    void thePluginsTimestampsStayRfc3339StringsWhenTheHostWritesInstantsAsNumbers() throws Exception {
        assertTrue(json.writeValueAsString(Map.of("at", Instant.parse("2026-12-01T12:00:00Z"))).matches(".*\"at\":\\d.*"),
                "the host's own instants follow its setting");

        Linked grant = link("1", "acme");
        Map<String, Object> shown = json.readValue(http.get(serviceUrl() + "/api/v1/grants/" + grant.grantId(),
                Http.bearer(grant.jwt())).body(), Map.class);
        for (String field : List.of("expires_at", "created_at", "updated_at")) {
            assertTrue(shown.get(field) instanceof String s && RFC_3339.matcher(s).matches(), field + ": " + shown);
        }
        HttpResponse<String> link = driver.createLink(grant.jwt(), Map.of("return_to", io.sentryconnect.support.LinkDriver.RETURN_TO));
        assertEquals(201, link.statusCode(), link.body());
        Object expires = json.readValue(link.body(), Map.class).get("expires_at");
        assertTrue(expires instanceof String s && RFC_3339.matcher(s).matches(), link.body());

        io.sentryconnect.support.GrantEvents.awaitEarlierTransactions();
        String page = http.get(serviceUrl() + "/api/v1/events", Http.bearer(grant.adminJwt())).body();
        assertTrue(page.contains("\"created_at\":\"") && !page.matches(".*\"(expires|created|updated)_at\":\\d.*"), page);
    }
}
