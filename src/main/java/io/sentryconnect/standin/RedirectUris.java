package io.sentryconnect.standin;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Redirect URI matching as {@code ApiApplication.is_valid_redirect_uri} ({@code src/sentry/models/apiapplication.py})
 * does it; Sentry's tests: {@code tests/sentry/models/test_apiapplication.py}. First an exact match after path
 * normalisation; then, for an {@code http} loopback URI (127.0.0.1, localhost, ::1), any port, but only when the
 * registered URI has no port (RFC 8252 §7.3); a registered URI with a port matches only that port.
 */
final class RedirectUris {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private RedirectUris() {
    }

    static boolean matchesAny(String candidate, List<String> registered) {
        return registered.stream().anyMatch(r -> matches(candidate, r));
    }

    static boolean matches(String candidate, String registered) {
        URI c = parse(candidate);
        URI r = parse(registered);
        if (c == null || r == null || c.getScheme() == null || c.getHost() == null || c.getFragment() != null) {
            return false;
        }
        boolean sameBase = c.getScheme().equalsIgnoreCase(r.getScheme())
                && host(c).equals(host(r))
                && normalisedPath(c).equals(normalisedPath(r))
                && Objects.equals(c.getRawQuery(), r.getRawQuery());
        if (!sameBase) {
            return false;
        }
        // Sentry compares the normalised strings, so an explicit default port is not the same URI as none.
        if (c.getPort() == r.getPort()) {
            return true;
        }
        return "http".equalsIgnoreCase(c.getScheme()) && LOOPBACK.contains(host(c)) && r.getPort() < 0;
    }

    private static URI parse(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    /** Like Sentry's {@code os.path.normpath}: resolves dot segments, keeps a trailing slash that was there. */
    private static String normalisedPath(URI uri) {
        String path = uri.normalize().getRawPath();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        return path.replaceAll("/{2,}", "/");
    }
}
