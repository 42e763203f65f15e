package io.sentryconnect.standin;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Redirect URI matching: exact after path normalisation, except that loopback URIs match on any port (RFC 8252
 * §7.3), so tests on random ports can use the registered {@code http://localhost:8080/…} URI.
 * Real Sentry ignores the port only when the registered loopback URI has none; the stand-in is laxer there on purpose.
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
        return LOOPBACK.contains(host(c)) || port(c) == port(r);
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

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
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
