package io.sentryconnect.database;

import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ScratchSchema;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host whose primary datasource is its own and whose {@code sentry-connect.datasource} names another: every read and
 * write of the plugin (linking, the proxy, a refresh, a revocation, events, disconnect, the change notices between
 * instances) goes to the named one, and the host's primary schema gets nothing. Before, only the migrations moved and
 * the first query failed on the primary datasource's missing tables.
 */
@MicronautTest(environments = "test", transactional = false)
class NamedDataSourceTest extends ServiceTest {
    private final ScratchSchema hostSchema = ScratchSchema.create("host_primary");
    private final ScratchSchema pluginSchema = ScratchSchema.create("plugin_own");

    @Override
    protected Map<String, String> extraProperties() {
        return settings();
    }

    private Map<String, String> settings() {
        Map<String, String> properties = new HashMap<>(hostSchema.properties());
        pluginSchema.properties().forEach((k, v) -> properties.put(k.replace("datasources.default.", "datasources.sentry."), v));
        properties.put("sentry-connect.datasource", "sentry");
        return properties;
    }

    @AfterAll
    void dropSchemas() {
        hostSchema.close();
        pluginSchema.close();
    }

    @Test
    void everyReadAndWriteOfThePluginGoesToTheDatasourceItNames() {
        Linked grant = link("1", "acme");
        assertEquals(List.of(Map.of("status", "active")),
                pluginSchema.query("SELECT status FROM sentry_connect_grant WHERE id = ?::uuid", grant.grantId()));

        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
        standIn.expire("acme");
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "refreshed on the named datasource");
        assertEquals(1, ((Number) pluginSchema.query("SELECT count(*) AS n FROM sentry_connect_grant_event "
                + "WHERE grant_id = ?::uuid AND type = 'grant.connected'", grant.grantId()).get(0).get("n")).intValue());
        HttpResponse<String> events = new Http().get(serviceUrl() + "/api/v1/events", Http.bearer(grant.adminJwt()));
        assertEquals(200, events.statusCode(), events.body());
        assertTrue(events.body().contains(grant.grantId()), events.body());

        Linked revoked = link("1", "acme");
        standIn.revoke("1", "acme");
        standIn.expire("acme");
        proxy(revoked, "organizations/acme/projects/");
        assertEquals("revoked", pluginSchema.query("SELECT status FROM sentry_connect_grant WHERE id = ?::uuid",
                revoked.grantId()).get(0).get("status"));

        assertEquals(204, new Http().delete(serviceUrl() + "/api/v1/grants/" + grant.grantId(), Http.bearer(grant.jwt())).statusCode());
        assertEquals(List.of(Map.of("status", "disconnected", "tokens", false)), pluginSchema.query("SELECT status, "
                + "access_token IS NOT NULL OR refresh_token IS NOT NULL AS tokens FROM sentry_connect_grant WHERE id = ?::uuid", grant.grantId()));

        assertEquals(List.of(), hostSchema.query("SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
                hostSchema.name()), "nothing of the plugin's in the host's primary schema");
    }

    @Test
    void aDisconnectOnOneInstanceReachesTheOtherThroughTheNamedDatasource() throws Exception {
        Map<String, String> second = settings();
        int port = IntegrationTest.freePort();
        second.put("micronaut.server.port", String.valueOf(port));
        second.put("sentry-connect.public-url", "http://localhost:" + port);
        second.put("sentry-connect.standin.enabled", "false");
        second.putAll(standIn.pluginProperties());
        Map<String, Object> properties = new HashMap<>(second);
        try (ApplicationContext other = ApplicationContext.run(io.micronaut.runtime.server.EmbeddedServer.class, properties, "test")
                .getApplicationContext()) {
            String otherUrl = "http://localhost:" + port;
            Linked grant = link("1", "acme");
            assertEquals(200, proxy(otherUrl, grant, "organizations/acme/projects/").statusCode(), "the other instance caches it");
            assertEquals(204, new Http().delete(serviceUrl() + "/api/v1/grants/" + grant.grantId(), Http.bearer(grant.jwt())).statusCode());
            io.sentryconnect.support.Await.until(() -> proxy(otherUrl, grant, "organizations/acme/projects/").statusCode() != 200,
                    "the other instance learns of the disconnect", java.time.Duration.ofSeconds(10));

            DataSource hostPrimary = other.getBean(DataSource.class);
            try (Connection c = hostPrimary.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_schema()")) {
                assertTrue(rs.next());
                assertEquals(hostSchema.name(), rs.getString(1), "the host's primary datasource is still its own");
            }
        }
    }
}
