package io.sentryconnect.events;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.NodeWebhookVerifier;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.testing.LogCapture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Real deliveries, checked by a receiver in Node with the off-the-shelf {@code standardwebhooks} package: during a
 * rotation (this context: a current and a previous secret) each of the two signatures verifies under its own secret
 * and no other; a second instance with one secret and the deprecated headers on sends one signature and the old
 * headers besides.
 */
@MicronautTest(environments = "test", transactional = false)
class StandardWebhooksDeliveryTest extends IntegrationTest {
    private static final String CURRENT = newSecret();
    private static final String PREVIOUS = newSecret();
    private static final String UNRELATED = newSecret();

    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;
    @Inject
    WebhookDelivery delivery;

    private NodeWebhookVerifier receiver;
    private LinkDriver driver;
    private ApplicationContext oneSecretWithLegacyHeaders;

    @Override
    protected Map<String, String> extraProperties() {
        receiver = new NodeWebhookVerifier(JsonMapper.createDefault(), List.of(CURRENT, PREVIOUS, UNRELATED));
        return Map.of("sentry-connect.webhook.url", receiver.url(),
                "sentry-connect.webhook.secret", CURRENT,
                "sentry-connect.webhook.previous-secret", PREVIOUS,
                "sentry-connect.webhook.legacy-headers", "false",
                "sentry-connect.webhook.poll-initial-delay", "1h");
    }

    @BeforeAll
    void setUp() {
        driver = new LinkDriver(serviceUrl(), standIn, json);
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        int port = freePort();
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.putAll(standIn.pluginProperties());
        properties.put("sentry-connect.webhook.url", receiver.url());
        properties.put("sentry-connect.webhook.secret", CURRENT);
        properties.put("sentry-connect.webhook.poll-initial-delay", "1h");
        oneSecretWithLegacyHeaders = ApplicationContext.run(EmbeddedServer.class, properties, "test").getApplicationContext();
    }

    @AfterAll
    void tearDown() {
        oneSecretWithLegacyHeaders.close();
        receiver.close();
        for (String secret : List.of(CURRENT, PREVIOUS)) {
            assertEquals(List.of(), LogCapture.linesContaining(secret.substring("whsec_".length())), "no secret in the logs");
        }
    }

    @Test
    void duringARotationEachSignatureVerifiesUnderItsOwnSecretWithTheStandardWebhooksLibrary() {
        String eventId = linkAndFindEvent();
        assertEquals(1, delivery.deliverBatch());

        NodeWebhookVerifier.Verdict verdict = receiver.verdict(eventId);
        assertEquals(List.of(true, true, false), verdict.verified(), "verifies with the current or the previous secret, "
                + "not with an unrelated one");
        assertEquals(List.of(List.of(true, false, false), List.of(false, true, false)), verdict.eachSignature(),
                "two signatures, the first under the current secret, the second under the previous one");
        assertEquals(List.of(), verdict.legacyHeaders(), "legacy-headers off: no Sentry-Connect-* headers");
        assertNotNull(TestDatabase.query("SELECT delivered_at FROM sentry_connect_grant_event WHERE event_id = ?::uuid", eventId)
                .get(0).get("delivered_at"));
    }

    @Test
    void withOneSecretOneSignatureIsSentAndTheDeprecatedHeadersBesidesIt() {
        String eventId = linkAndFindEvent();
        assertEquals(1, oneSecretWithLegacyHeaders.getBean(WebhookDelivery.class).deliverBatch());

        NodeWebhookVerifier.Verdict verdict = receiver.verdict(eventId);
        assertEquals(List.of(true, false, false), verdict.verified());
        assertEquals(List.of(List.of(true, false, false)), verdict.eachSignature());
        assertEquals(List.of("sentry-connect-event-id", "sentry-connect-signature", "sentry-connect-timestamp"),
                verdict.legacyHeaders().stream().sorted().toList());
    }

    private String linkAndFindEvent() {
        // Earlier test classes of this JVM share the schema and may leave undelivered events: set them aside, so that
        // the batch delivered here is exactly this link's event.
        TestDatabase.execute("UPDATE sentry_connect_grant_event SET delivered_at = now() WHERE delivered_at IS NULL");
        String tenant = "t-" + UUID.randomUUID();
        driver.link(driver.jwt(tenant, "u1"), "1", "acme");
        List<Map<String, Object>> events = TestDatabase.query("SELECT event_id::text AS event_id FROM sentry_connect_grant_event "
                + "WHERE tenant_id = ?", tenant);
        assertEquals(1, events.size());
        return (String) events.get(0).get("event_id");
    }

    private static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }
}
