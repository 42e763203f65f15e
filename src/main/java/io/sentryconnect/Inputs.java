package io.sentryconnect;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * The bounds of every string the plugin stores or sends on: a length cap, and no control characters (PostgreSQL
 * refuses NUL in text, and no identifier, URL or name of ours has a use for the others). Hand-written: a length and
 * a character class, applied to JSON fields, query parameters and JWT claims alike, which bean validation's
 * annotations would reach only on bodies.
 */
public final class Inputs {
    /** Tenant and user ids (from claims or queries), organization slugs, cursors. */
    public static final int MAX_ID = 255;
    /** {@code return_to}: also what an error redirect's {@code Location} carries. */
    public static final int MAX_URL = 2048;
    /** A provisioned organization's name: Sentry's own limit. */
    public static final int MAX_ORGANIZATION_NAME = 50;
    /** An email address (RFC 5321's path limit). */
    public static final int MAX_EMAIL = 254;
    /** A query parameter's value on the plugin's routes (Sentry's search queries included). */
    public static final int MAX_QUERY_VALUE = 8192;

    private Inputs() {
    }

    /** Whether the value is at most {@code max} characters and holds no control character. */
    public static boolean clean(String value, int max) {
        return value.length() <= max && !hasControl(value);
    }

    public static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The value unchanged, or {@link InvalidRequest} naming the field; null stays null (the caller decides if it is required). */
    @Nullable
    public static String text(String field, @Nullable String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new InvalidRequest(field, field + " is longer than " + max + " characters.");
        }
        if (hasControl(value)) {
            throw new InvalidRequest(field, field + " holds a control character.");
        }
        return value;
    }

    /**
     * A JSON boolean, strictly: only {@code true} and {@code false} (and null, absent); a string, a number or an array
     * is {@link InvalidRequest} naming the field. The request records declare such fields as {@code Object} so that the JSON
     * reader keeps what was sent instead of coercing {@code "true"}, {@code 2} or {@code [true]} to true.
     */
    @Nullable
    public static Boolean bool(String field, @Nullable Object value) {
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        throw new InvalidRequest(field, field + " must be a JSON boolean (true or false).");
    }

    /**
     * Whether every character is printable ASCII other than a space ({@code !} to {@code ~}): what an opaque token of
     * someone else's (an authorization code, a raw query string) may hold when passed on as it is.
     */
    public static boolean printableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /**
     * A JSON string, strictly (null, absent, stays null); a number, a boolean, an array (even of one string) or an
     * object is {@link InvalidRequest} naming the field, the value never echoed. The request records declare such
     * fields as {@code Object}, as for {@link #bool}: the JSON reader would otherwise unwrap {@code ["x"]} to
     * {@code "x"}, coerce {@code 5} to {@code "5"}, and refuse an object without saying which member it was.
     */
    @Nullable
    public static String string(String field, @Nullable Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new InvalidRequest(field, field + " must be a string.");
    }

    /** A JSON array of strings, strictly (null stays null; a null, number or other element is refused), as {@link #string}. */
    @Nullable
    public static List<String> strings(String field, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new InvalidRequest(field, field + " must be an array of strings.");
    }

    /**
     * A whole number from a query parameter, strictly: digits only (an optional minus), between {@code min} and
     * {@code max}; {@code 0.5}, {@code true} or {@code 1e3} are {@link InvalidRequest} naming the parameter, not a framework error.
     */
    public static int integer(String field, @Nullable String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        if (!value.matches("-?[0-9]{1,9}")) {
            throw new InvalidRequest(field, field + " is a whole number between " + min + " and " + max + ".");
        }
        int number = Integer.parseInt(value);
        if (number < min || number > max) {
            throw new InvalidRequest(field, field + " is between " + min + " and " + max + ".");
        }
        return number;
    }
}
