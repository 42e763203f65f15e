package io.sentryconnect;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.sentryconnect.link.LinkProperties;
import io.sentryconnect.sentry.SentryApi;
import io.sentryconnect.support.ScratchSchema;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's own switches and its refusal to start without the settings it cannot default. Each context starts
 * without the standalone service's application.yml (a host never has it: it is not in the plugin's jar), so only the
 * defaults in code and the properties given here apply.
 */
class PluginSettingsTest {

    private static Map<String, Object> complete() {
        return io.sentryconnect.support.PluginProperties.complete(2);
    }

    /** The first line of what a failed start reports, whatever Micronaut wraps around it. */
    private static String firstLineOfFailure(Map<String, Object> properties) {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ignored = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(properties).start()) {
                throw new AssertionError("started without a required setting");
            }
        });
        return String.valueOf(failure.getMessage()).lines().findFirst().orElse("");
    }

    @Test
    void eachMissingRequiredSettingStopsTheStartNamingItsKeyInTheFirstLine() {
        for (String key : new String[]{"sentry-connect.public-url", "sentry-connect.sentry.client-id",
                "sentry-connect.sentry.client-secret", "sentry-connect.encryption.primary-key-id"}) {
            Map<String, Object> properties = complete();
            properties.remove(key);
            String line = firstLineOfFailure(properties);
            assertTrue(line.contains(key), key + " is named in: " + line);
        }
        Map<String, Object> relative = complete();
        relative.put("sentry-connect.public-url", "platform.example");
        assertTrue(firstLineOfFailure(relative).contains("sentry-connect.public-url must be an absolute"));
        Map<String, Object> noKeys = complete();
        noKeys.remove("sentry-connect.encryption.keys.1");
        assertTrue(firstLineOfFailure(noKeys).contains("sentry-connect.encryption.keys"));
        // ${SENTRY_BASE_URL:http://localhost:8090} in YAML: the colons are read as fallbacks, and the value is 8090.
        for (String notAUrl : new String[]{"8090", "localhost:8090", "ftp://sentry.example.com"}) {
            Map<String, Object> badBase = complete();
            badBase.put("sentry-connect.sentry.base-url", notAUrl);
            String line = firstLineOfFailure(badBase);
            assertTrue(line.contains("sentry-connect.sentry.base-url must be an absolute"), notAUrl + ": " + line);
        }
        Map<String, Object> foreignRegion = complete();
        foreignRegion.put("sentry-connect.sentry.region-urls", "https://evil.example");
        assertTrue(firstLineOfFailure(foreignRegion).contains("sentry-connect.sentry.region-urls"));
        Map<String, Object> blindScopes = complete();
        blindScopes.put("sentry-connect.sentry.default-scopes", "project:read,event:read");
        assertTrue(firstLineOfFailure(blindScopes).startsWith("sentry-connect.sentry.default-scopes must include org:read"),
                firstLineOfFailure(blindScopes));
        for (String notHostPort : new String[]{"proxy.internal", "proxy.internal:http", ":3128", "proxy.internal:70000",
                "user:pass-word@proxy.internal:3128", "http://proxy.internal:3128"}) {
            Map<String, Object> badProxy = complete();
            badProxy.put("sentry-connect.http.proxy-address", notHostPort);
            String line = firstLineOfFailure(badProxy);
            assertTrue(line.startsWith("sentry-connect.http.proxy-address must be host:port"), notHostPort + ": " + line);
            assertFalse(line.contains("pass-word"), "a password in the address is not repeated: " + line);
        }
    }

    @Test
    void aStartThatStopsOnAMissingSettingLeavesTheHostsSchemaAsItFoundIt() {
        try (ScratchSchema stopped = ScratchSchema.create("settings_stop"); ScratchSchema started = ScratchSchema.create("settings_go")) {
            Map<String, Object> missing = complete();
            missing.putAll(stopped.properties());
            missing.remove("sentry-connect.sentry.client-id");
            assertTrue(firstLineOfFailure(missing).contains("sentry-connect.sentry.client-id"));
            assertEquals(List.of(), tables(stopped), "no table of the plugin's before the start stops");
            Map<String, Object> webhookWithoutSecret = complete();
            webhookWithoutSecret.putAll(stopped.properties());
            webhookWithoutSecret.put("sentry-connect.webhook.url", "https://platform.example/hooks/sentry");
            assertTrue(firstLineOfFailure(webhookWithoutSecret).startsWith("sentry-connect.webhook.secret is required"));
            assertEquals(List.of(), tables(stopped), "every start check is asked before migrating");

            Map<String, Object> complete = complete();
            complete.putAll(started.properties());
            try (ApplicationContext ignored = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(complete).start()) {
                assertTrue(tables(started).contains("sentry_connect_grant"), "the same start with the setting migrates: " + tables(started));
            }
        }
    }

    /**
     * The migration runs on the start-up event before the scheduler starts the plugin's jobs: on a first start on an
     * empty schema, a webhook poll due at once finds the outbox table, and nothing logs a missing relation.
     */
    @Test
    void aFirstStartMigratesBeforeTheScheduledJobsRun() throws Exception {
        try (ScratchSchema empty = ScratchSchema.create("first_start")) {
            Map<String, Object> properties = complete();
            properties.putAll(empty.properties());
            properties.put("sentry-connect.webhook.url", "http://127.0.0.1:9/hooks");
            properties.put("sentry-connect.webhook.secret", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
            properties.put("sentry-connect.webhook.poll-initial-delay", "0ms");
            properties.put("sentry-connect.webhook.poll-interval", "20ms");
            int before = io.sentryconnect.testing.LogCapture.lines().size();
            try (ApplicationContext ignored = ApplicationContext.builder().deduceEnvironment(false)
                    .enableDefaultPropertySources(false).properties(properties).start()) {
                Thread.sleep(300);
            }
            List<String> logged = io.sentryconnect.testing.LogCapture.lines();
            assertEquals(List.of(), logged.subList(before, logged.size()).stream()
                    .filter(l -> l.contains("does not exist")).toList(), "no job ran before the schema was there");
            assertTrue(tables(empty).contains("sentry_connect_grant_event"));
        }
    }

    private static List<Object> tables(ScratchSchema schema) {
        return schema.query("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", schema.name())
                .stream().map(row -> row.get("table_name")).toList();
    }

    @Test
    void aHostRouteWithThePluginsMethodAndPathStopsTheStartUntilThePluginsGroupMoves() {
        Map<String, Object> clash = complete();
        clash.put("route-clash-test", true);
        try (ScratchSchema stopped = ScratchSchema.create("route_clash")) {
            Map<String, Object> inScratch = new java.util.HashMap<>(clash);
            inScratch.putAll(stopped.properties());
            String line = firstLineOfFailure(inScratch);
            assertTrue(line.contains("GET /api/v1/me is both the host's (com.example.clash.HostMeController) and sentry-connect's")
                    && line.contains("sentry-connect.endpoints.me.path"), line);
            assertEquals(List.of(), tables(stopped), "a clash stops the start before the plugin migrates the host's schema");
        }
        Map<String, Object> underContextPath = new java.util.HashMap<>(clash);
        underContextPath.put("micronaut.server.context-path", "/billing");
        String prefixed = firstLineOfFailure(underContextPath);
        assertTrue(prefixed.contains("sentry-connect.endpoints.me.path"), "the group is named under a context path too: " + prefixed);
        clash.put("sentry-connect.endpoints.me.path", "/integrations/sentry/me");
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(clash).start()) {
            assertEquals("/integrations/sentry/me", context.getBean(Endpoints.class).path("me"));
        }
    }

    @Test
    void aSwitchedOffGroupsPathIsTheHostsAgainErrorsIncluded() throws Exception {
        Map<String, Object> host = complete();
        host.put("route-clash-test", true);
        host.put("sentry-connect.endpoints.me.enabled", false);
        host.put("micronaut.server.port", -1);
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).properties(host).start()) {
            io.micronaut.runtime.server.EmbeddedServer server = context.getBean(io.micronaut.runtime.server.EmbeddedServer.class);
            server.start();
            Endpoints endpoints = context.getBean(Endpoints.class);
            assertFalse(endpoints.owns("/api/v1/me/x"));
            assertEquals(java.util.Optional.empty(), endpoints.groupOf("/api/v1/me"));
            assertTrue(endpoints.owns("/api/v1/grants/x"), "the groups still on stay the plugin's");
            io.sentryconnect.support.Http http = new io.sentryconnect.support.Http();
            java.net.http.HttpResponse<String> own = http.get(server.getURL() + "/api/v1/me");
            assertEquals("200 the host's own", own.statusCode() + " " + own.body());
            java.net.http.HttpResponse<String> refused = http.get(server.getURL() + "/api/v1/me/x");
            assertEquals(401, refused.statusCode(), "the host's security refuses an unknown route to an anonymous caller");
            assertFalse(refused.headers().firstValue("Content-Type").orElse("").contains("problem+json"),
                    "the host's own answer, not the plugin's format: " + refused.body());
            for (java.net.http.HttpResponse<String> answer : List.of(own, refused)) {
                assertTrue(answer.headers().firstValue("X-Request-Id").isEmpty(), "no request id of the plugin's");
            }
        }
    }

    @Test
    void aWebhookUrlWithoutAUsableSecretStopsTheStartNamingTheSecretsKey() {
        Map<String, Object> noSecret = complete();
        noSecret.put("sentry-connect.webhook.url", "https://platform.example/hooks/sentry");
        assertTrue(firstLineOfFailure(noSecret).startsWith("sentry-connect.webhook.secret is required with a webhook URL"),
                firstLineOfFailure(noSecret));
        Map<String, Object> shortSecret = new HashMap<>(noSecret);
        shortSecret.put("sentry-connect.webhook.secret", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[8]));
        assertTrue(firstLineOfFailure(shortSecret).startsWith("sentry-connect.webhook.secret must encode 24 to 64 bytes"),
                firstLineOfFailure(shortSecret));
        Map<String, Object> badPrevious = new HashMap<>(noSecret);
        badPrevious.put("sentry-connect.webhook.secret", "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        badPrevious.put("sentry-connect.webhook.previous-secret", "whsec_not base64!");
        assertTrue(firstLineOfFailure(badPrevious).startsWith("sentry-connect.webhook.previous-secret is not whsec_"),
                firstLineOfFailure(badPrevious));
        Map<String, Object> delivered = new HashMap<>(badPrevious);
        delivered.remove("sentry-connect.webhook.previous-secret");
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).properties(delivered).start()) {
            assertTrue(context.isRunning(), "a usable secret starts");
        }
    }

    @Test
    void unusableKeyMaterialStillStopsTheStartNamingTheKeyThoughTinkIsSetUpOnFirstUse() {
        Map<String, Object> notBase64 = complete();
        notBase64.put("sentry-connect.encryption.keys.1", "not base64!");
        assertEquals("sentry-connect.encryption.keys.1 is not base64", firstLineOfFailure(notBase64));
        Map<String, Object> tooShort = complete();
        tooShort.put("sentry-connect.encryption.keys.1", java.util.Base64.getEncoder().encodeToString(new byte[16]));
        assertEquals("sentry-connect.encryption.keys.1 must be 32 bytes (base64 of 32 random bytes)", firstLineOfFailure(tooShort));
    }

    @Test
    void switchedOffThePluginHasNoBeansAndNeedsNoSettings() {
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        properties.put("sentry-connect.enabled", false);
        properties.put("micronaut.security.token.jwt.signatures.secret.platform.secret", "production-like-secret-0123456789abcdef-0123");
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(properties).start()) {
            assertFalse(context.containsBean(SentryApi.class));
            assertFalse(context.containsBean(Endpoints.class));
        }
    }

    @Test
    void endpointGroupsMoveAndTheUrlsTheServiceBuildsFollow() {
        Map<String, Object> properties = complete();
        properties.put("sentry-connect.endpoints.grants.path", "/integrations/sentry/grants/");
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(properties).start()) {
            Endpoints endpoints = context.getBean(Endpoints.class);
            assertEquals("/integrations/sentry/grants", endpoints.path("grants"));
            assertEquals("https://platform.example/integrations/sentry/grants/x/reconnect", endpoints.url("grants", "/x/reconnect"));
            assertEquals("/api/v1/events", endpoints.path("events"));
            assertTrue(endpoints.owns("/integrations/sentry/grants/x/sentry/organizations/"));
            assertFalse(endpoints.owns("/api/v1/grantsx"));
        }
    }

    @Test
    void linkSettingsAHostLeavesOutTakeTheirDocumentedDefaults() {
        Map<String, Object> properties = complete();
        properties.put("sentry-connect.link.allowed-return-origins", "https://platform.example");
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(properties).start()) {
            LinkProperties link = context.getBean(LinkProperties.class);
            assertEquals(Duration.ofMinutes(5), link.ticketTtl());
            assertEquals(Duration.ofMinutes(10), link.stateTtl());
            assertTrue(link.cookieSecure());
            assertEquals(List.of(URI.create("https://platform.example")), link.allowedReturnOrigins());
        }
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(complete()).start()) {
            assertEquals(List.of(), context.getBean(LinkProperties.class).allowedReturnOrigins());
        }
    }

    /** A host application's own clock bean, as a host declares it: unqualified. */
    @Factory
    @Requires(property = "plugin-settings-test.host-clock", value = "true")
    static class HostClockFactory {
        static final Clock HOST_CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneId.of("Europe/Berlin"));

        @Singleton
        Clock hostClock() {
            return HOST_CLOCK;
        }
    }

    /** A host bean that takes "the" clock. */
    @Singleton
    @Requires(property = "plugin-settings-test.host-clock", value = "true")
    record HostClockUser(Clock clock) {
    }

    @Test
    void aHostsOwnClockIsWhatItsUnqualifiedInjectionGetsAndThePluginKeepsItsOwn() {
        Map<String, Object> properties = complete();
        properties.put("plugin-settings-test.host-clock", true);
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false).properties(properties).start()) {
            assertSame(HostClockFactory.HOST_CLOCK, context.getBean(HostClockUser.class).clock());
            assertSame(HostClockFactory.HOST_CLOCK, context.getBean(Clock.class));
            assertNotSame(HostClockFactory.HOST_CLOCK, context.getBean(Clock.class, Qualifiers.byName(ClockFactory.NAME)));
        }
    }
}
