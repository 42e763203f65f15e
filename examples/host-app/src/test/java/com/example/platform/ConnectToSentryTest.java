package com.example.platform;

import com.example.platform.sentry.SentryProjects;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.generator.TokenGenerator;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.testing.LogCapture;
import io.sentryconnect.testing.SentryStandInExtension;
import io.sentryconnect.testing.SentryStandInTest;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "Connect to Sentry" inside the platform: the whole life of a grant under the platform's prefix, and its Java API. */
@SentryStandInTest(redirectUris = SentryLinking.CALLBACK)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectToSentryTest implements TestPropertyProvider {
    private final TestSchema schema = TestSchema.create();
    private final int port = HostConfig.freePort();
    private final String baseUrl = "http://localhost:" + port;
    /** Every secret value the tests saw go by: none may appear in a log line. */
    private final Set<String> secretsSeen = ConcurrentHashMap.newKeySet();

    @Inject
    JsonMapper json;
    @Inject
    TokenGenerator tokens;
    @Inject
    TokenCipher cipher;
    @Inject
    SentryProjects projects;

    private SentryLinking linking;

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>();
        HostConfig.properties(schema, port).forEach((k, v) -> properties.put(k, v instanceof List<?> l
                ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v)));
        return properties;
    }

    @BeforeAll
    void setUp() {
        LogCapture.install();
        linking = new SentryLinking(baseUrl, SentryStandInExtension.standIn(), json);
    }

    @AfterAll
    void logsHoldNoSecretAndTheSchemaGoes() {
        try {
            secretsSeen.add(SentryStandInExtension.CLIENT_SECRET);
            secretsSeen.add(HostConfig.ENCRYPTION_KEY);
            assertTrue(secretsSeen.size() > 4, "the leak check has tokens to look for: " + secretsSeen.size());
            for (String secret : secretsSeen) {
                assertEquals(List.of(), LogCapture.linesContaining(secret), "a secret appears in the logs");
            }
        } finally {
            schema.close();
        }
    }

    @Test
    void aGrantIsLinkedProxiedRevokedReconnectedAndDisconnectedUnderThePlatformsPrefix(SentryStandIn standIn) {
        String jwt = PlatformLogin.login(baseUrl, "alice");
        secretsSeen.add(jwt);

        String linkUrl = linking.linkUrl(jwt);
        assertTrue(linkUrl.startsWith(baseUrl + "/integrations/sentry/connect/start?"), linkUrl);
        String grantId = linking.connectedGrantId(connect(jwt, linkUrl, "1", "acme"));
        Map<String, Object> grant = onlyGrant(jwt);
        assertEquals(grantId, grant.get("id"));
        assertEquals("acme-co", grant.get("tenant_id"), "the tenant is the platform's account");
        assertEquals("alice", grant.get("user_id"));
        assertEquals("active", grant.get("status"));
        rememberStoredTokens();

        HttpResponse<String> projectsCall = proxy(jwt, grantId, "organizations/acme/projects/");
        assertEquals(200, projectsCall.statusCode(), projectsCall.body());
        assertFalse(linking.list(projectsCall.body()).isEmpty(), projectsCall.body());

        assertTrue(standIn.revoke("1", "acme") > 0, "the stand-in had tokens to revoke");
        HttpResponse<String> refused = proxy(jwt, grantId, "organizations/acme/projects/");
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains(baseUrl + "/integrations/sentry/grants/" + grantId + "/reconnect"),
                "the problem points at reconnect under the prefix: " + refused.body());
        assertEquals("revoked", onlyGrant(jwt).get("status"));

        String reconnected = linking.connectedGrantId(connect(jwt, linking.reconnectUrl(jwt, grantId), "1", "acme"));
        assertEquals(grantId, reconnected, "reconnect renews the same grant");
        assertEquals("active", onlyGrant(jwt).get("status"));
        rememberStoredTokens();
        assertEquals(200, proxy(jwt, grantId, "organizations/acme/projects/").statusCode());

        HttpResponse<String> disconnected = new Browser().delete(linking.url("/grants/" + grantId), Browser.bearer(jwt));
        assertEquals(204, disconnected.statusCode(), disconnected.body());
        HttpResponse<String> listed = new Browser().get(linking.url("/grants"), Browser.bearer(jwt));
        assertTrue(linking.list(listed.body()).stream().noneMatch(g -> grantId.equals(g.get("id"))
                && !"disconnected".equals(g.get("status"))), listed.body());
        assertEquals(409, proxy(jwt, grantId, "organizations/acme/projects/").statusCode());
    }

    @Test
    void thePlatformsOwnBeanCallsSentryThroughSentryApi() {
        String jwt = PlatformLogin.login(baseUrl, "carol");
        secretsSeen.add(jwt);
        String grantId = linking.connectedGrantId(connect(jwt, linking.linkUrl(jwt), "1", "globex"));
        rememberStoredTokens();

        Authentication carol = Authentication.build("carol", List.of("owner"), Map.of("account", "globex-inc"));
        List<String> slugs = projects.projectSlugs(carol, UUID.fromString(grantId), "globex");
        assertFalse(slugs.isEmpty(), "globex has projects at the stand-in");

        HttpResponse<String> overHttp = new Browser().get(baseUrl + "/settings/sentry/" + grantId + "/projects?org=globex",
                Browser.bearer(jwt));
        assertEquals(200, overHttp.statusCode(), overHttp.body());
        assertEquals(Map.of("grantId", grantId, "organizationSlug", "globex", "projectSlugs", slugs),
                linking.map(overHttp.body()), "the platform's own route answers in the platform's JSON");
    }

    @Test
    void aPlatformTokenWithoutExpiryIsACallerOfThePluginThroughThePlatformsIdentity() {
        String serviceToken = PlatformLogin.withoutExpiry(tokens, "bob", "acme-co");
        secretsSeen.add(serviceToken);
        HttpResponse<String> me = new Browser().get(linking.url("/me"), Browser.bearer(serviceToken));
        assertEquals(200, me.statusCode(), me.body());
        Map<String, Object> caller = linking.map(me.body());
        assertEquals("acme-co", caller.get("tenant_id"), me.body());
        assertEquals("bob", caller.get("user_id"), me.body());
    }

    @Test
    void anotherAccountSeesNoneOfTheGrants() {
        String alice = PlatformLogin.login(baseUrl, "alice");
        secretsSeen.add(alice);
        String grantId = linking.connectedGrantId(connect(alice, linking.linkUrl(alice), "1", "initech"));
        rememberStoredTokens();
        String carol = PlatformLogin.login(baseUrl, "carol");
        secretsSeen.add(carol);

        assertEquals(404, proxy(carol, grantId, "organizations/initech/projects/").statusCode());
        HttpResponse<String> listed = new Browser().get(linking.url("/grants"), Browser.bearer(carol));
        assertTrue(linking.list(listed.body()).stream().noneMatch(g -> grantId.equals(g.get("id"))), listed.body());
    }

    @Test
    void thePluginsRoutesAnswerTheirOwnErrorsInsideThePlatform() throws Exception {
        // The platform's security rules allow none of these (it has no rule for unrouted requests): the plugin's own
        // rule lets a request for one of its routes, wrong only in method, content type or Accept, reach the router,
        // which answers in the plugin's format, as the standalone service does.
        String jwt = PlatformLogin.login(baseUrl, "alice");
        secretsSeen.add(jwt);
        assertProblem(405, "method_not_allowed", send("PUT", linking.url("/links"), jwt, "application/json", "{}", null));
        assertProblem(415, "unsupported_media_type", send("POST", linking.url("/links"), jwt, "text/xml", "<link/>", null));
        assertProblem(406, "not_acceptable", send("GET", linking.url("/grants"), jwt, null, null, "text/html"));
        assertProblem(405, "method_not_allowed", send("PUT", linking.url("/links"), null, "application/json", "{}", null));
        String grant = linking.url("/grants/" + UUID.randomUUID());
        assertProblem(405, "method_not_allowed", send("PATCH", grant + "/sentry/organizations/acme/", jwt, null, null, null));
        // No route of the plugin's there, or a path a resolver could read as another place: the platform's own answer
        // to unknown paths (micronaut-security's reject-not-found), in the plugin's format on its paths.
        assertProblem(403, "forbidden", send("GET", grant + "/nothing", jwt, null, null, null));
        assertProblem(403, "forbidden", send("PATCH", grant + "/sentry/organizations/acme/../../../../../hello", jwt, null, null, null));
        assertProblem(403, "forbidden", send("PATCH", grant + "/sentry/organizations/%2e%2e/", jwt, null, null, null));
    }

    private void assertProblem(int status, String code, HttpResponse<String> answer) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                answer.headers().map().toString());
        assertEquals(code, linking.map(answer.body()).get("code"), answer.body());
    }

    private static HttpResponse<String> send(String method, String url, String jwt, String contentType, String body,
                                             String accept) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (jwt != null) {
            request.header("Authorization", "Bearer " + jwt);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> connect(String jwt, String linkUrl, String sentryUser, String org) {
        HttpResponse<String> back = linking.connect(jwt, linkUrl, sentryUser, org);
        secretsSeen.addAll(linking.codesAndStatesSeen());
        return back;
    }

    private HttpResponse<String> proxy(String jwt, String grantId, String sentryPath) {
        return new Browser().get(linking.url("/grants/" + grantId + "/sentry/" + sentryPath), Browser.bearer(jwt));
    }

    private Map<String, Object> onlyGrant(String jwt) {
        HttpResponse<String> listed = new Browser().get(linking.url("/grants?org_slug=acme"), Browser.bearer(jwt));
        assertEquals(200, listed.statusCode(), listed.body());
        List<Map<String, Object>> grants = linking.list(listed.body());
        assertEquals(1, grants.size(), listed.body());
        return grants.get(0);
    }

    /** The Sentry tokens as stored, decrypted (with the associated data the plugin binds them to), for the leak check. */
    private void rememberStoredTokens() {
        for (Map<String, Object> row : schema.query(
                "SELECT id, tenant_id, access_token, refresh_token FROM sentry_connect_grant WHERE access_token IS NOT NULL")) {
            for (String column : List.of("access", "refresh")) {
                if (row.get(column + "_token") instanceof byte[] ciphertext) {
                    String tenant = (String) row.get("tenant_id");
                    secretsSeen.add(cipher.decrypt(ciphertext, "sentry-connect:grant:" + tenant.length() + ":" + tenant
                            + ":" + row.get("id") + ":" + column).reveal());
                }
            }
        }
    }
}
