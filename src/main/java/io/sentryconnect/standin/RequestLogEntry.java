package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One request the stand-in received. It never holds a secret: the names of the headers but none of their values, no
 * body except the token request's {@code grant_type}, and the values of sensitive query parameters are replaced by
 * {@code [redacted]}.
 *
 * @param origin    {@code main}, {@code us} or {@code de}
 * @param status    the status sent, or 0 when a fault dropped the connection
 * @param grantType for {@code /oauth/token/}: the form's {@code grant_type}
 * @param fault     the fault played on it ({@code status:503}, {@code reset}, {@code malformed}, {@code delay}), if any
 * @param headerNames the request's header names in lower case and sorted, a name once per value it came with (two
 *                    {@code Authorization} headers are {@code authorization} twice)
 */
public record RequestLogEntry(String origin, String method, String path, String query, @Nullable String grantType,
                              int status, Instant time, @Nullable String fault, List<String> headerNames) {

    /** How many times the request carried header {@code name} (any case). */
    public int headerCount(String name) {
        return Collections.frequency(headerNames, name.toLowerCase(Locale.ROOT));
    }
}
