package io.sentryconnect.sentry;

import io.sentryconnect.Inputs;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.sentry.profile.SentryProfile;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Builds the only URLs the proxy may call: the grant's region URL, then {@code /api/0/}, then a path of plain
 * segments. Hand-written because the rule is ours: no {@code ..}, no empty segment, no percent-encoding
 * (so no encoded traversal or slash), no scheme or host smuggled in; and the result is checked once more as a URI.
 */
final class SentryPath {
    private static final String API_ROOT = SentryProfile.SENTRY.apiRoot();
    /**
     * Sentry's API paths are slugs, ids and a few punctuation marks: nothing needs escaping. A segment never starts
     * with a dot ({@code ..}, {@code ..;}) and holds no {@code ;} (no path parameters for a server to reinterpret).
     */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_~:@!$'()*+,=-][A-Za-z0-9_~.:@!$'()*+,=-]*");

    /**
     * Region URLs as URIs, parsed once: a service calls a handful (its configured regions), and every proxied call
     * needs its region's. Capped all the same: past the cap a URL is parsed on each call, as before.
     */
    private static final Map<String, URI> BASES = new ConcurrentHashMap<>();
    private static final int MAX_BASES = 64;

    private SentryPath() {
    }

    static URI resolve(String regionUrl, String path, String rawQuery) {
        check(path, rawQuery);
        return build(regionUrl, path, rawQuery);
    }

    /**
     * The checks of {@link #resolve} that need no URL: plain segments and a query without characters to encode. The
     * proxy checks the caller's path with them before {@link OrganizationPaths} reads its segments, and resolves only
     * the path it sends.
     */
    static void check(String path, String rawQuery) {
        if (!path.isEmpty()) {
            String[] segments = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path).split("/", -1);
            for (String segment : segments) {
                if (!SEGMENT.matcher(segment).matches()) {
                    throw new InvalidRequest("path", "The Sentry API path may only hold plain segments under /api/0/.");
                }
            }
            if (segments[0].indexOf(':') >= 0) {
                throw new InvalidRequest("path", "The Sentry API path may only hold plain segments under /api/0/.");
            }
        }
        if (rawQuery != null && (rawQuery.indexOf('#') >= 0 || !Inputs.printableAscii(rawQuery))) {
            throw new InvalidRequest("query", "The query string holds characters that must be percent-encoded.");
        }
    }

    private static URI build(String regionUrl, String path, String rawQuery) {
        URI base = BASES.get(regionUrl);
        if (base == null) {
            base = URI.create(regionUrl.endsWith("/") ? regionUrl : regionUrl + "/");
            if (BASES.size() < MAX_BASES) {
                BASES.put(regionUrl, base);
            }
        }
        URI target = URI.create(base + API_ROOT + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        URI normalized = target.normalize();
        if (!normalized.equals(target) || !sameOrigin(base, target) || !target.getRawPath().startsWith(base.getRawPath() + API_ROOT)) {
            throw new InvalidRequest("path", "The Sentry API path leaves the grant's /api/0/.");
        }
        return target;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort() && b.getRawUserInfo() == null;
    }
}
