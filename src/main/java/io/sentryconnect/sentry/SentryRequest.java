package io.sentryconnect.sentry;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;

/**
 * A call to Sentry's API on a grant's behalf, relative to the grant's {@code /api/0/}.
 *
 * @param method      GET, POST, PUT or DELETE
 * @param path        e.g. {@code organizations/acme/projects/}; checked by {@link SentryPath}
 * @param rawQuery    the query string as sent, or null
 * @param contentType the body's content type, or null
 * @param body        the body, or null
 */
public record SentryRequest(HttpMethod method, String path, @Nullable String rawQuery, @Nullable String contentType,
                            byte @Nullable [] body) {
    public static SentryRequest get(String path) {
        return new SentryRequest(HttpMethod.GET, path, null, null, null);
    }

    /** GET, PUT and DELETE may be repeated after a 5xx or a timeout; POST may not. */
    public boolean idempotent() {
        return method != HttpMethod.POST;
    }
}
