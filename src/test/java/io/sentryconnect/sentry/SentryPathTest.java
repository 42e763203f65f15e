package io.sentryconnect.sentry;

import io.sentryconnect.InvalidRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The path guard: only plain segments under the grant region's {@code /api/0/}, nothing smuggled in. */
@Tag("unit")
class SentryPathTest {
    private static final String REGION = "https://us.sentry.io";

    @Test
    void plainSegmentsResolveUnderTheRegionsApiRoot() {
        assertEquals(URI.create("https://us.sentry.io/api/0/organizations/acme/projects/"),
                SentryPath.resolve(REGION, "organizations/acme/projects/", null));
        assertEquals(URI.create("https://us.sentry.io/api/0/organizations/acme/issues/?query=is:unresolved&cursor=0:100:0"),
                SentryPath.resolve(REGION + "/", "organizations/acme/issues/", "query=is:unresolved&cursor=0:100:0"));
        assertEquals(URI.create("https://us.sentry.io/api/0/"), SentryPath.resolve(REGION, "", ""));
    }

    @Test
    void aRegionUrlWithAPathKeepsIt() {
        assertEquals(URI.create("http://sentry.internal:9000/sentry/api/0/organizations/acme/"),
                SentryPath.resolve("http://sentry.internal:9000/sentry", "organizations/acme/", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "organizations/../users/", "organizations/acme/..;/x/", ".hidden/", "organizations//acme/",
            "organizations/%2e%2e/", "organizations%2Facme/", "organizations/acme;jsessionid=1/", "organizations/a b/",
            "organizations/acme/?x=1", "organizations/acme/#frag", "/organizations/acme/", "http://evil.example/",
            "//evil.example/api/0/", "mailto:someone/", "organizations/\u00e9/", "organizations/acme\\..\\x/"})
    void aPathThatIsNotPlainSegmentsIsRefused(String path) {
        InvalidRequest problem = assertThrows(InvalidRequest.class, () -> SentryPath.resolve(REGION, path, null), path);
        assertEquals("invalid_request", problem.code());
        assertEquals("path", problem.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=1#fragment", "q=a b", "q=\u00e9", "q=a\nb", "q=\u007f"})
    void aQueryThatNeedsEncodingIsRefused(String query) {
        InvalidRequest problem = assertThrows(InvalidRequest.class, () -> SentryPath.resolve(REGION, "organizations/acme/", query));
        assertEquals("query", problem.field());
    }
}
