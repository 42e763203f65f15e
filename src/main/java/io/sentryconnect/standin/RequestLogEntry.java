package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * One request the stand-in received. It never holds a secret: no headers, no body except the token request's
 * {@code grant_type}, and the values of sensitive query parameters are replaced by {@code [redacted]}.
 *
 * @param origin    {@code main}, {@code us} or {@code de}
 * @param status    the status sent, or 0 when a fault dropped the connection
 * @param grantType for {@code /oauth/token/}: the form's {@code grant_type}
 * @param fault     the fault played on it ({@code status:503}, {@code reset}, {@code malformed}, {@code delay}), if any
 */
public record RequestLogEntry(String origin, String method, String path, String query, @Nullable String grantType,
                              int status, Instant time, @Nullable String fault) {
}
