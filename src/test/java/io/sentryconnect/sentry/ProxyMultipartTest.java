package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.testing.LogCapture;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code multipart/form-data} through the proxy, to the stand-in's release file upload (Sentry's
 * {@code ProjectReleaseFilesEndpoint} and {@code OrganizationReleaseFilesEndpoint}): the body goes to Sentry as the
 * caller's bytes, boundary, line ends and binary content included, and keeps every guarantee of other bodies
 * (the token, the 401 refresh and retry with the same bytes, Sentry's answers passed back, the size limit before
 * anything is sent). The stand-in answers with the file's size and SHA-1, which is how the bytes are checked.
 */
@MicronautTest(environments = "test", transactional = false)
class ProxyMultipartTest extends ServiceTest {
    private static final String BOUNDARY = "----sentryconnect7MA4YWxkTrZu0gW";
    private static final String ORG_FILES = "organizations/acme/releases/frontend@1.4.0/files/";
    private static final String PROJECT_FILES = "projects/acme/frontend/releases/frontend@1.4.0/files/";

    @Inject
    TokenCipher cipher;

    private final Http http = new Http();
    private final List<String> jwts = new ArrayList<>();

    @AfterAll
    void searchLogsForTokensAndSecrets() {
        List<String> secrets = new ArrayList<>(TestDatabase.storedTokens(cipher));
        assertFalse(secrets.isEmpty(), "the leak check has tokens to look for");
        secrets.addAll(jwts);
        secrets.add(standIn.fixtures().defaultClient().clientSecret());
        for (String secret : secrets) {
            assertEquals(List.of(), LogCapture.linesContaining(secret), "a token or secret appears in the logs");
        }
    }

    private record Linked(String jwt, String grantId) {
        String url(String serviceUrl, String path) {
            return serviceUrl + "/api/v1/grants/" + grantId + "/sentry/" + path;
        }
    }

    /** A grant of acme (user 1) that may upload release files and change issues. */
    private Linked link() {
        String jwt = driver.jwt("t-" + java.util.UUID.randomUUID(), "u1");
        jwts.add(jwt);
        HttpResponse<String> created = driver.createLink(jwt, Map.of("return_to", LinkDriver.RETURN_TO,
                "scopes", List.of("org:read", "project:read", "project:releases", "event:read", "event:write")));
        assertEquals(201, created.statusCode(), created.body());
        String linkUrl = (String) driver.map(created.body()).get("link_url");
        String grantId = LinkDriver.query(LinkDriver.location(driver.link(new Http(), linkUrl, "1", "acme"))).get("grant_id");
        return new Linked(jwt, grantId);
    }

    /** Bytes that a text round trip would change: not UTF-8, CRLFs and a line that begins like the boundary. */
    private static byte[] awkwardFile() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("//# sourceMappingURL=app.js.map\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[]{(byte) 0xFF, (byte) 0xFE, 0x00, (byte) 0xC3, 0x28, (byte) 0x80, 0x0D, 0x0A, 0x0A, 0x0D});
        out.writeBytes(("\r\n--" + BOUNDARY.substring(0, 20) + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (int b = 0; b < 256; b++) {
            out.write(b);
        }
        return out.toByteArray();
    }

    /** A multipart body as a client writes it: the fields, then {@code file} with its filename and type. */
    private static byte[] multipart(Map<String, List<String>> fields, String filename, String type, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, values) -> values.forEach(value -> out.writeBytes(("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8))));
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private HttpResponse<String> upload(Linked grant, String path, byte[] body) {
        return http.send(Http.request(grant.url(serviceUrl(), path), Http.bearer(grant.jwt()))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static String sha1(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
    }

    private List<RequestLogEntry> uploadsSeenBySentry() {
        return standIn.requests("/api/0/").stream().filter(e -> e.path().contains("/files/")).toList();
    }

    @Test
    void aBinaryFileWithCrlfsAndABoundaryLikeLineArrivesByteExactWithItsFields() throws Exception {
        Linked grant = link();
        byte[] file = awkwardFile();
        HttpResponse<String> created = upload(grant, ORG_FILES, multipart(Map.of("name", List.of("~/static/app.js"),
                "dist", List.of("web"), "header", List.of("Sourcemap: app.js.map")), "app.js", "application/javascript", file));

        assertEquals(201, created.statusCode(), created.body());
        Map<String, Object> body = driver.map(created.body());
        assertEquals(sha1(file), body.get("sha1"), "the file's bytes arrived as sent");
        assertEquals(file.length, ((Number) body.get("size")).intValue());
        assertEquals("~/static/app.js", body.get("name"));
        assertEquals("web", body.get("dist"));
        assertEquals(Map.of("Content-Type", "application/javascript", "Sourcemap", "app.js.map"), body.get("headers"));
        assertEquals("no-store", created.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("nosniff", created.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertFalse(created.headers().firstValue("Content-Security-Policy").isPresent(), "Sentry's JSON is served as it is");

        HttpResponse<String> listed = http.get(grant.url(serviceUrl(), ORG_FILES), Http.bearer(grant.jwt()));
        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains(sha1(file)), listed.body());
        assertEquals(List.of("POST:201", "GET:200"), uploadsSeenBySentry().stream().map(e -> e.method() + ":" + e.status()).toList());
    }

    @Test
    void theRefreshAfterA401ReplaysTheSameBytes() throws Exception {
        Linked grant = link();
        long refreshesBefore = standIn.requests("/oauth/token").stream().filter(e -> "refresh_token".equals(e.grantType())).count();
        standIn.expire("acme");
        byte[] file = awkwardFile();
        HttpResponse<String> created = upload(grant, PROJECT_FILES, multipart(Map.of("name", List.of("~/app.js")),
                "app.js", "application/octet-stream", file));

        assertEquals(201, created.statusCode(), created.body());
        assertEquals(sha1(file), driver.map(created.body()).get("sha1"), "the retry sent the same bytes");
        assertEquals(List.of(401, 201), uploadsSeenBySentry().stream().map(RequestLogEntry::status).toList());
        assertEquals(1, standIn.requests("/oauth/token").stream().filter(e -> "refresh_token".equals(e.grantType())).count()
                - refreshesBefore, "one refresh");
        assertEquals("active", TestDatabase.query("SELECT status FROM sentry_connect_grant WHERE id = ?::uuid", grant.grantId())
                .get(0).get("status"));
    }

    @Test
    void sentrysOwn409ForADuplicateNameAnd400ForAMissingFileArePassedBack() {
        Linked grant = link();
        byte[] body = multipart(Map.of("name", List.of("~/vendor.js")), "vendor.js", "application/javascript",
                "function() { }".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, upload(grant, PROJECT_FILES, body).statusCode());

        HttpResponse<String> duplicate = upload(grant, ORG_FILES, body);
        assertEquals(409, duplicate.statusCode(), duplicate.body());
        assertEquals(Map.of("detail", "A file matching this name already exists for the given release"), driver.map(duplicate.body()));

        byte[] noFile = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n~/a.js\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> missing = upload(grant, ORG_FILES, noFile);
        assertEquals(400, missing.statusCode(), missing.body());
        assertEquals(Map.of("detail", "Missing uploaded file"), driver.map(missing.body()));
        assertEquals(List.of(201, 409, 400), uploadsSeenBySentry().stream().map(RequestLogEntry::status).toList());
    }

    @Test
    void anUploadOutsideTheGrantsOrganizationIsRefusedBeforeAnythingIsSent() {
        Linked grant = link();
        standIn.clearRequests();
        byte[] body = multipart(Map.of(), "a.js", "application/javascript", awkwardFile());
        HttpResponse<String> refused = upload(grant, "organizations/globex/releases/frontend@1.4.0/files/", body);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("outside_grant_organization", driver.map(refused.body()).get("code"));
        assertEquals(List.of(), standIn.requests("/api/"), "nothing was sent to Sentry");
    }

    @Test
    void sentrysRateLimitOnAnUploadComesBackWithRetryAfterAndIsNotRepeated() {
        Linked grant = link();
        standIn.clearRequests();
        standIn.addFault(Fault.status("/api/0/organizations/acme/releases/", 429, 1));
        double before = metric("sentry_connect_proxy_calls_seconds_count{method=\"POST\",outcome=\"429\"");
        HttpResponse<String> limited = upload(grant, ORG_FILES, multipart(Map.of(), "a.js", "application/javascript", awkwardFile()));
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(limited.headers().firstValue("Retry-After").isPresent(), "Retry-After from Sentry's reset");
        assertEquals(1, uploadsSeenBySentry().size(), "a POST is never repeated");
        assertEquals(before + 1, metric("sentry_connect_proxy_calls_seconds_count{method=\"POST\",outcome=\"429\""));
    }

    /** A counter of the service's {@code /prometheus}, 0 before it first moves. */
    private double metric(String prefix) {
        return http.get(serviceUrl() + "/prometheus").body().lines().filter(line -> line.startsWith(prefix))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst().orElse(0.0);
    }

    @Test
    void aBodyOverTheServersLimitIsThe413ProblemAndNothingIsSent() {
        Linked grant = link();
        standIn.clearRequests();
        // micronaut.server.max-request-size, 10 MiB by default.
        byte[] body = multipart(Map.of(), "big.js", "application/javascript", new byte[10 * 1024 * 1024 + 1]);
        HttpResponse<String> declared = upload(grant, ORG_FILES, body);
        assertEquals(413, declared.statusCode(), declared.body());
        assertEquals("payload_too_large", driver.map(declared.body()).get("code"));

        HttpResponse<String> chunked = http.send(Http.request(grant.url(serviceUrl(), ORG_FILES), Http.bearer(grant.jwt()))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertEquals("payload_too_large", driver.map(chunked.body()).get("code"));
        assertEquals(List.of(), standIn.requests("/api/"), "nothing was sent to Sentry");
    }

    @Test
    void aLargeChunkedUploadUnderTheLimitArrivesWhole() throws Exception {
        Linked grant = link();
        byte[] file = new byte[6 * 1024 * 1024];
        new java.util.Random(16).nextBytes(file);
        byte[] body = multipart(Map.of("name", List.of("~/large.js.map")), "large.js.map", "application/json", file);
        HttpResponse<String> created = http.send(Http.request(grant.url(serviceUrl(), ORG_FILES), Http.bearer(grant.jwt()))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(sha1(file), driver.map(created.body()).get("sha1"));
    }

    @Test
    void aFormEncodedBodyStillReachesSentryAsItsBytes() {
        Linked grant = link();
        HttpResponse<String> changed = http.send(Http.request(grant.url(serviceUrl(), "organizations/acme/issues/90011/"),
                        Http.bearer(grant.jwt())).header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("status=ignored&hasSeen=true")).build());
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals("ignored", driver.map(changed.body()).get("status"), "Sentry read the form body");
    }
}
