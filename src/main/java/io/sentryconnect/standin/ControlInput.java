package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/** Reading the controls' JSON bodies: each wrong field is an {@link IllegalArgumentException} naming it (a 400). */
final class ControlInput {
    private ControlInput() {
    }

    static Fault fault(Map<String, Object> body) {
        return new Fault(
                string(body, "path_prefix"),
                body.get("status") == null ? 0 : number(body, "status").intValue(),
                body.get("delay_ms") == null ? 0 : number(body, "delay_ms").longValue(),
                body.get("reset") != null && bool(body, "reset"),
                body.get("malformed") != null && bool(body, "malformed"),
                body.get("count") == null ? 1 : number(body, "count").intValue(),
                body.get("detail") == null ? null : string(body, "detail"),
                body.get("content_type") == null ? null : string(body, "content_type"),
                body.get("body") == null ? null : string(body, "body"),
                body.get("location") == null ? null : string(body, "location"),
                body.get("members") == null ? null : members(body));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> members(Map<String, Object> body) {
        if (body.get("members") instanceof Map<?, ?> members) {
            return (Map<String, Object>) members;
        }
        throw new IllegalArgumentException("members must be an object");
    }

    static String string(Map<String, Object> body, String key) {
        String value = optionalString(body, key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value;
    }

    @Nullable
    static String optionalString(Map<String, Object> body, String key) {
        Object value = body.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof String || value instanceof Number) {
            return value.toString();
        }
        throw new IllegalArgumentException(key + " must be a string");
    }

    static Number number(Map<String, Object> body, String key) {
        if (body.get(key) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException(key + " must be a number");
    }

    static boolean bool(Map<String, Object> body, String key) {
        if (body.get(key) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " must be true or false");
    }

    static List<String> stringList(Map<String, Object> body, String key) {
        if (body.get(key) instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException(key + " must be a list of strings");
    }
}
