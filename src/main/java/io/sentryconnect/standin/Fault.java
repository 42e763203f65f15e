package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure to play on the next {@code count} requests whose path starts with {@code pathPrefix}: first wait
 * {@code delayMs}, then either drop the connection ({@code reset}), answer {@code status} instead of the real
 * handler, or let the handler run and send its body truncated with status 200 ({@code malformed}).
 * With none of the three, only the delay applies and the request is then served normally.
 * {@code detail}, with a status only, replaces the status's usual body by {@code {"detail": detail}}: some Sentry
 * endpoints answer 429 that way instead of with the bare JSON string.
 * {@code contentType} and {@code body}, with a status only, answer exactly that body with that content type (HTML,
 * SVG: what a proxy must not serve as its own page); {@code location}, with a 3xx status, is the redirect's target.
 * {@code members}, alone, lets the handler run (so a refresh still rotates) and rewrites the members of its JSON
 * object body: each given value replaces the member's, a JSON {@code null} removes it (a token answer without
 * {@code expires_in}, a {@code token_type} other than {@code bearer}).
 */
public record Fault(String pathPrefix, int status, long delayMs, boolean reset, boolean malformed, int count,
                    @Nullable String detail, @Nullable String contentType, @Nullable String body,
                    @Nullable String location, @Nullable Map<String, Object> members) {

    public Fault {
        if (pathPrefix == null || !pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("path_prefix must start with /");
        }
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("status must be an HTTP status");
        }
        if (delayMs < 0 || delayMs > 120_000) {
            throw new IllegalArgumentException("delay_ms must be between 0 and 120000");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        if (members != null && members.isEmpty()) {
            throw new IllegalArgumentException("members must name at least one member");
        }
        int outcomes = (status != 0 ? 1 : 0) + (reset ? 1 : 0) + (malformed ? 1 : 0) + (members != null ? 1 : 0);
        if (outcomes > 1) {
            throw new IllegalArgumentException("choose at most one of status, reset, malformed and members");
        }
        if (outcomes == 0 && delayMs == 0) {
            throw new IllegalArgumentException("a fault needs a status, reset, malformed, members or a delay");
        }
        // A copy that keeps nulls (they remove members), unmodifiable.
        members = members == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(members));
        if (detail != null && status == 0) {
            throw new IllegalArgumentException("detail needs a status");
        }
        if ((contentType == null) != (body == null)) {
            throw new IllegalArgumentException("content_type and body go together");
        }
        if (body != null && (status == 0 || detail != null)) {
            throw new IllegalArgumentException("body needs a status and no detail");
        }
        if (location != null && (status < 300 || status > 399)) {
            throw new IllegalArgumentException("location needs a 3xx status");
        }
    }

    public Fault(String pathPrefix, int status, long delayMs, boolean reset, boolean malformed, int count) {
        this(pathPrefix, status, delayMs, reset, malformed, count, null, null, null, null, null);
    }

    public Fault(String pathPrefix, int status, long delayMs, boolean reset, boolean malformed, int count,
                 @Nullable String detail) {
        this(pathPrefix, status, delayMs, reset, malformed, count, detail, null, null, null, null);
    }

    /** {@code status} answered with exactly this body and content type, e.g. {@code text/html} or {@code image/svg+xml}. */
    public static Fault content(String pathPrefix, int status, String contentType, String body, int count) {
        return new Fault(pathPrefix, status, 0, false, false, count, null, contentType, body, null, null);
    }

    /** A redirect ({@code 3xx}) to {@code location}, with an empty body. */
    public static Fault redirect(String pathPrefix, int status, String location, int count) {
        return new Fault(pathPrefix, status, 0, false, false, count, null, null, null, location, null);
    }

    /** The real answer with these members of its JSON body replaced, or removed where the value is null. */
    public static Fault members(String pathPrefix, Map<String, Object> members, int count) {
        return new Fault(pathPrefix, 0, 0, false, false, count, null, null, null, null, members);
    }

    /** {@code status} answered with the body {@code {"detail": detail}}. */
    public static Fault statusWithDetail(String pathPrefix, int status, String detail, int count) {
        return new Fault(pathPrefix, status, 0, false, false, count, detail);
    }

    public static Fault status(String pathPrefix, int status, int count) {
        return new Fault(pathPrefix, status, 0, false, false, count);
    }

    public static Fault reset(String pathPrefix, int count) {
        return new Fault(pathPrefix, 0, 0, true, false, count);
    }

    public static Fault malformed(String pathPrefix, int count) {
        return new Fault(pathPrefix, 0, 0, false, true, count);
    }

    public static Fault delay(String pathPrefix, long delayMs, int count) {
        return new Fault(pathPrefix, 0, delayMs, false, false, count);
    }
}
