package io.sentryconnect.standin;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Redirect URI matching as {@code ApiApplication.is_valid_redirect_uri} ({@code src/sentry/models/apiapplication.py})
 * does it; Sentry's tests: {@code tests/sentry/models/test_apiapplication.py}. Both URIs go through
 * {@code normalize_url} (the path through {@code os.path.normpath}, a trailing slash kept when the URI ended in one,
 * everything else as written: scheme lower-cased by {@code urlparse}, the authority with its case and any
 * {@code user@} as sent) and must then be the same string. Failing that, for an {@code http} loopback URI (127.0.0.1,
 * localhost, ::1) registered without a port: the same host, path and query on any port (RFC 8252 §7.3). A registered
 * URI with a port matches only that port. Stricter than Sentry's version-0 applications, which also accept any URI
 * that merely starts with a registered one (see docs/standin.md), and than its loopback rule in refusing a fragment.
 */
final class RedirectUris {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");

    private RedirectUris() {
    }

    static boolean matchesAny(String candidate, List<String> registered) {
        return registered.stream().anyMatch(r -> matches(candidate, r));
    }

    static boolean matches(String candidate, String registered) {
        URI c = parse(candidate);
        URI r = parse(registered);
        if (c == null || r == null || c.getScheme() == null || c.getRawAuthority() == null || c.getRawFragment() != null) {
            return false;
        }
        if (normalised(candidate, c).equals(normalised(registered, r))) {
            return true;
        }
        return "http".equals(lower(c.getScheme())) && "http".equals(lower(r.getScheme()))
                && LOOPBACK.contains(hostname(c)) && hostname(c).equals(hostname(r)) && r.getPort() < 0
                && normalisedPath(candidate, c).equals(normalisedPath(registered, r))
                && Objects.equals(c.getRawQuery(), r.getRawQuery());
    }

    private static URI parse(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** {@code urlunparse} of the parts with the normalised path: what Sentry compares. */
    private static String normalised(String value, URI uri) {
        StringBuilder out = new StringBuilder(lower(uri.getScheme())).append(':');
        if (uri.getRawAuthority() != null) {
            out.append("//").append(uri.getRawAuthority());
        }
        out.append(normalisedPath(value, uri));
        if (uri.getRawQuery() != null) {
            out.append('?').append(uri.getRawQuery());
        }
        if (uri.getRawFragment() != null) {
            out.append('#').append(uri.getRawFragment());
        }
        return out.toString();
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    /** {@code urlparse(…).hostname}: lower-cased, without brackets or user information. */
    private static String hostname(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return "";
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code normalize_url}'s path: {@code os.path.normpath} (dot segments resolved, repeated slashes collapsed
     * except a leading pair, a trailing slash dropped, an empty result read as {@code /}), then a slash appended when
     * the whole URI ended in one.
     */
    private static String normalisedPath(String value, URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        java.util.Deque<String> segments = new java.util.ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!segments.isEmpty() && !segments.peekLast().equals("..")) {
                    segments.removeLast();
                } else if (!path.startsWith("/")) {
                    segments.addLast("..");
                }
                continue;
            }
            segments.addLast(segment);
        }
        // POSIX normpath keeps exactly two leading slashes as they are (and one for one, or three and more).
        String root = path.startsWith("//") && !path.startsWith("///") ? "//" : path.startsWith("/") ? "/" : "";
        String normal = root + String.join("/", segments);
        if (normal.isEmpty()) {
            normal = "/";
        } else if (value.endsWith("/") && !normal.endsWith("/")) {
            normal += "/";
        }
        return normal;
    }
}
