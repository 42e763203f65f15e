package io.sentryconnect.sentry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Sentry's answer, as the caller may see it: status, body, and the headers that pass through
 * ({@code Content-Type}, {@code Link}, {@code X-Sentry-Rate-Limit-*}, {@code Location} on a 3xx, and a computed
 * {@code Retry-After} on 429).
 */
public record SentryResponse(int status, Map<String, List<String>> headers, byte[] body) {
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public java.util.Optional<String> header(String name) {
        // A loop, not a stream: the proxy reads Content-Type of every answer.
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return java.util.Optional.of(header.getValue().get(0));
            }
        }
        return java.util.Optional.empty();
    }
}
