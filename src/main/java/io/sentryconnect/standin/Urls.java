package io.sentryconnect.standin;

import java.net.URI;
import java.util.Map;

/** The base URLs of the stand-in's origins, known once the servers are bound. */
record Urls(URI base, Map<String, URI> regions) {

    URI of(Origin origin) {
        return origin.isMain() ? base : region(origin.region());
    }

    URI region(String region) {
        URI url = regions.get(region);
        if (url == null) {
            throw new IllegalArgumentException("unknown region: " + region);
        }
        return url;
    }

    /** Without the trailing slash, as Sentry's {@code regionUrl} reads: {@code https://us.sentry.io}. */
    static String plain(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
