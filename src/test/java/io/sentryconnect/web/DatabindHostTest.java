package io.sentryconnect.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.reflect.ClassUtils;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host whose JSON is micronaut-jackson-databind, not serde, with settings of its own that would reshape any type left
 * to them: PascalCase names, nulls left out, dates as numbers, unknown properties refused (run by surefire's
 * {@code databind-host} execution, whose classpath has databind's module and not serde's implementation). The host's
 * own plain classes (no {@code @Serdeable}) keep serializing its way, and the plugin's wire is the one its contract
 * names: snake_case, nulls written, RFC 3339 strings, unknown request members ignored.
 */
@MicronautTest(environments = "test", transactional = false)
// Run by the databind-host execution only: a -Dtest selection elsewhere skips it before the context starts.
@EnabledIfSystemProperty(named = "sentry-connect.test.databind-host", matches = "true")
class DatabindHostTest extends ServiceTest {
    private static final Pattern RFC_3339 = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of(
                "test.databind-host", "true",
                "jackson.property-naming-strategy", "UPPER_CAMEL_CASE",
                "jackson.serialization-inclusion", "non_null",
                "jackson.serialization.writeDatesAsTimestamps", "true",
                "jackson.deserialization.failOnUnknownProperties", "true");
    }

    /** A class of the host's own, as a databind host writes them: no serde annotation, no introspection. */
    public static final class HostStatus {
        private final String serviceName = "platform";
        private final Instant startedAt = Instant.parse("2026-01-02T03:04:05Z");
        private final String nothing = null;

        public String getServiceName() {
            return serviceName;
        }

        public Instant getStartedAt() {
            return startedAt;
        }

        public String getNothing() {
            return nothing;
        }
    }

    @Controller("/host-status")
    @Requires(property = "test.databind-host", value = "true")
    @Secured(SecurityRule.IS_ANONYMOUS)
    static final class HostStatusController {
        @Get
        HostStatus status() {
            return new HostStatus();
        }
    }

    @BeforeAll
    void onADatabindClassPath() {
        // The execution's classpath must be a databind host's, or the test would prove nothing.
        assertTrue(ClassUtils.isPresent("io.micronaut.jackson.databind.JacksonDatabindMapper", null), "databind's module");
        assertFalse(ClassUtils.isPresent("io.micronaut.serde.jackson.JacksonJsonMapper", null), "no serde implementation");
    }

    @Test
    void theHostsOwnClassesKeepTheHostsJson() {
        HttpResponse<String> status = new Http().get(serviceUrl() + "/host-status");
        assertEquals(200, status.statusCode(), status.body());
        assertEquals("{\"ServiceName\":\"platform\",\"StartedAt\":1767323045.000000000}", status.body());
    }

    @Test
    void thePluginsAnswersKeepTheirContract() throws java.io.IOException {
        Linked grant = link("1", "acme");
        HttpResponse<String> one = new Http().get(serviceUrl() + "/api/v1/grants/" + grant.grantId(), Http.bearer(grant.jwt()));
        assertEquals(200, one.statusCode(), one.body());
        Map<String, Object> json = driver.map(one.body());
        assertEquals(grant.grantId(), json.get("id"));
        assertTrue(json.containsKey("status_reason") && json.get("status_reason") == null, one.body());
        assertTrue(RFC_3339.matcher(String.valueOf(json.get("created_at"))).matches(), one.body());
        assertEquals("acme", ((Map<?, ?>) json.get("organization")).get("slug"), one.body());

        HttpResponse<String> me = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(grant.jwt()));
        assertEquals(Map.of("tenant_id", grant.tenant(), "user_id", "u1", "tenant_admin", false), driver.map(me.body()));

        // A request member the plugin does not know is ignored, as with serde, whatever the host's databind refuses.
        HttpResponse<String> created = driver.createLink(grant.jwt(), Map.of("return_to", LinkDriver.RETURN_TO, "color", "blue"));
        assertEquals(201, created.statusCode(), created.body());
        Map<String, Object> link = driver.map(created.body());
        assertTrue(String.valueOf(link.get("link_url")).contains("/connect/sentry/start?ticket="), created.body());
        assertTrue(RFC_3339.matcher(String.valueOf(link.get("expires_at"))).matches(), created.body());

        HttpResponse<String> problem = new Http().get(serviceUrl() + "/api/v1/grants/not-a-grant", Http.bearer(grant.jwt()));
        assertTrue(problem.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), problem.body());
        assertTrue(problem.body().contains("\"code\":"), problem.body());

        // Events are listed once every older transaction on the server has ended (EventController).
        io.sentryconnect.support.GrantEvents.awaitEarlierTransactions();
        HttpResponse<String> events = new Http().get(serviceUrl() + "/api/v1/events", Http.bearer(grant.adminJwt()));
        assertEquals(200, events.statusCode(), events.body());
        assertTrue(events.body().contains("\"status_reason\":null"), "nulls stay in the events: " + events.body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> page = (List<Map<String, Object>>) (Object) this.json.readValue(events.body(),
                io.micronaut.core.type.Argument.listOf(Map.class));
        Map<String, Object> last = page.get(page.size() - 1);
        assertTrue(RFC_3339.matcher(String.valueOf(last.get("created_at"))).matches(), events.body());
        assertTrue(last.containsKey("cursor") && last.containsKey("tenant_id"), events.body());

        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
    }

    @Test
    void theStandInAnswersAsSentryDoesWhateverTheHostsJsonSettings() {
        HttpResponse<String> index = new Http().get(standIn.baseUrl() + "/api/0/");
        assertEquals(200, index.statusCode(), index.body());
        assertEquals("{\"version\":\"0\",\"auth\":null,\"user\":null}", index.body(), "Sentry writes its nulls");
    }
}
