package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The release file upload as Sentry's {@code post_releasefile} answers it ({@code tests/sentry/releases/endpoints/
 * test_project_release_files.py}, {@code ReleaseFileCreateTest}): its scopes, lookups, checks in order and messages.
 */
class ReleaseFilesTest {
    private static final String BOUNDARY = "xYzZY";
    private static final String RELEASES = READ_SCOPES + " project:releases";
    private static final String ORG_FILES = "/api/0/organizations/acme/releases/frontend@1.4.0/files/";
    private static final String PROJECT_FILES = "/api/0/projects/acme/frontend/releases/frontend@1.4.0/files/";

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private static String part(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static String file(String filename, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/javascript\r\n\r\n" + content + "\r\n";
    }

    private HttpResponse<String> upload(URI uri, String token, String... parts) {
        return h.send("POST", uri, String.join("", parts) + "--" + BOUNDARY + "--\r\n",
                "Authorization", "Bearer " + token, "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    }

    private void assertDetail(int status, String detail, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(Map.of("detail", detail), h.object(response));
    }

    @Test
    void anUploadIs201WithTheFilesHeadersSizeAndSha1AndIsListed() {
        String token = h.accessToken("1", "acme", RELEASES);
        HttpResponse<String> created = upload(h.us(PROJECT_FILES), token, part("name", "http://example.com/application.js"),
                part("header", "X-SourceMap: http://example.com"), file("application.js", "function() { }"));
        assertEquals(201, created.statusCode(), created.body());
        Map<String, Object> body = h.object(created);
        assertEquals("http://example.com/application.js", body.get("name"));
        assertEquals(null, body.get("dist"));
        assertEquals(Map.of("Content-Type", "application/javascript", "X-SourceMap", "http://example.com"), body.get("headers"));
        assertEquals(14, ((Number) body.get("size")).intValue());
        assertEquals("b0fc5f1f837aff098228171313df48a0597423c6", body.get("sha1"), "SHA-1 of the file's bytes");

        List<Object> listed = h.array(h.apiGet(h.us(ORG_FILES), token));
        assertEquals(1, listed.size());
        assertEquals(body, listed.get(0), "the organization's route lists the project route's upload");
    }

    @Test
    void theNameDefaultsToTheFilenameAndTheSameNameInAnotherDistIsAnotherFile() {
        String token = h.accessToken("1", "acme", RELEASES);
        assertEquals("app.js", h.object(upload(h.us(ORG_FILES), token, file("app.js", "a"))).get("name"));
        assertDetail(409, ReleaseFileEndpoints.ERR_FILE_EXISTS, upload(h.us(ORG_FILES), token, file("app.js", "b")));
        HttpResponse<String> otherDist = upload(h.us(ORG_FILES), token, part("dist", "web"), file("app.js", "b"));
        assertEquals(201, otherDist.statusCode(), otherDist.body());
        assertEquals("web", h.object(otherDist).get("dist"));
    }

    @Test
    void sentrysChecksInTheirOrderWithTheirMessages() {
        String token = h.accessToken("1", "acme", RELEASES);
        assertDetail(400, "Missing uploaded file", upload(h.us(ORG_FILES), token, part("header", "X-SourceMap: http://example.com")));
        assertDetail(400, "Missing uploaded file", upload(h.us(ORG_FILES), token, file("", "function() { }")));
        assertDetail(400, "File name must be specified", upload(h.us(ORG_FILES), token, file("file", "x")));
        assertDetail(400, "File name must not contain special whitespace characters",
                upload(h.us(ORG_FILES), token, part("name", "http://exa\tmple.com/applic\nati\ron.js\n"), file("a.js", "x")));
        assertDetail(400, "header value was not formatted correctly",
                upload(h.us(ORG_FILES), token, part("header", "lol"), file("a.js", "x")));
        assertDetail(400, "header value must not contain special whitespace characters",
                upload(h.us(ORG_FILES), token, part("header", "X-SourceMap: http://example.com/\r\n\ntest.map.js\n"), file("a.js", "x")));
        HttpResponse<String> json = h.send("POST", h.us(ORG_FILES), "{\"name\":\"a.js\"}",
                "Authorization", "Bearer " + token, "Content-Type", "application/json");
        assertDetail(400, "Missing uploaded file", json);
        HttpResponse<String> broken = h.send("POST", h.us(ORG_FILES), "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.js\"\r\n\r\nno end",
                "Authorization", "Bearer " + token, "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
        assertEquals(400, broken.statusCode(), broken.body());
        assertEquals(List.of(), h.array(h.apiGet(h.us(ORG_FILES), token)), "nothing was stored");
    }

    @Test
    void scopesReleasesAndProjectsAreCheckedBeforeTheBody() {
        String readOnly = h.accessToken("1", "acme", READ_SCOPES);
        assertDetail(403, ApiAnswers.FORBIDDEN, upload(h.us(ORG_FILES), readOnly, file("a.js", "x")));
        assertEquals(200, h.apiGet(h.us(ORG_FILES), readOnly).statusCode(), "project:read lists");
        String token = h.accessToken("1", "acme", RELEASES);
        assertDetail(404, ApiAnswers.NOT_FOUND, upload(h.us("/api/0/organizations/acme/releases/9.9.9/files/"), token, file("a.js", "x")));
        assertDetail(404, ApiAnswers.NOT_FOUND, upload(h.us("/api/0/projects/acme/nope/releases/frontend@1.4.0/files/"), token, file("a.js", "x")));
        assertDetail(404, ApiAnswers.NOT_FOUND, upload(h.de(ORG_FILES), token, file("a.js", "x")));
        HttpResponse<String> put = h.send("PUT", h.us(ORG_FILES), "", "Authorization", "Bearer " + token);
        assertEquals(405, put.statusCode(), put.body());
    }
}
