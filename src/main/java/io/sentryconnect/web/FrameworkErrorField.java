package io.sentryconnect.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.http.HttpResponse;
import io.micronaut.web.router.RouteAttributes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request field a framework error is about (a body property that would not decode, a constraint that failed, a
 * required argument that is missing), as the wire names it: snake_case, the only naming the plugin's JSON uses. Only
 * the name is taken, never the value or the framework's message, which names classes and echoes input.
 */
final class FrameworkErrorField {
    /** How micronaut-serde names the property that failed: "Error decoding property [String returnTo] of type …". */
    private static final Pattern DECODED_PROPERTY = Pattern.compile("property \\[[^\\]]*?([A-Za-z_][A-Za-z0-9_]*)\\]");
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /**
     * How the JSON reader says that a member has the wrong type: "Unexpected token START_OBJECT, expected
     * VALUE_STRING" (Jackson's token names). It names no property, so the answer can only say which shapes met.
     */
    private static final Pattern WRONG_TOKEN = Pattern.compile("Unexpected token ([A-Z_]+), expected ([A-Z_]+)");
    private static final Map<String, String> TOKEN_WORDS = Map.of(
            "START_OBJECT", "an object", "START_ARRAY", "an array", "VALUE_STRING", "a string",
            "VALUE_NUMBER_INT", "a number", "VALUE_NUMBER_FLOAT", "a number", "VALUE_TRUE", "true or false",
            "VALUE_FALSE", "true or false", "VALUE_NULL", "null");

    private FrameworkErrorField() {
    }

    @Nullable
    static String of(HttpResponse<?> response) {
        Throwable error = RouteAttributes.getException(response).orElse(null);
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String field = fieldOf(t);
            if (field != null) {
                return field;
            }
        }
        return null;
    }

    /**
     * What a 400 for a body member of the wrong JSON type can say in place of the generic detail: the two shapes (an
     * object where a string is expected), never the value. Null for any other error.
     */
    @Nullable
    static String wrongTypeDetail(HttpResponse<?> response) {
        Throwable error = RouteAttributes.getException(response).orElse(null);
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!t.getClass().getName().startsWith("io.micronaut.serde.")) {
                continue;
            }
            Matcher matcher = WRONG_TOKEN.matcher(String.valueOf(t.getMessage()));
            String found = matcher.find() ? TOKEN_WORDS.get(matcher.group(1)) : null;
            String expected = found == null ? null : TOKEN_WORDS.get(matcher.group(2));
            if (expected != null) {
                return "A member of the JSON body is " + found + " where " + expected
                        + " is expected: check the body against the API reference.";
            }
        }
        return null;
    }

    @Nullable
    private static String fieldOf(Throwable error) {
        if (error instanceof ConstraintViolationException violations) {
            for (ConstraintViolation<?> violation : violations.getConstraintViolations()) {
                String last = null;
                for (Path.Node node : violation.getPropertyPath()) {
                    last = node.getName();
                }
                return wireName(last);
            }
        }
        if (error instanceof ConversionErrorException || error instanceof UnsatisfiedArgumentException
                || error.getClass().getName().startsWith("io.micronaut.serde.")) {
            Matcher matcher = DECODED_PROPERTY.matcher(String.valueOf(error.getMessage()));
            if (matcher.find()) {
                return wireName(matcher.group(1));
            }
        }
        if (error instanceof UnsatisfiedArgumentException unsatisfied && !"body".equals(unsatisfied.getArgument().getName())) {
            return wireName(unsatisfied.getArgument().getName());
        }
        return null;
    }

    /** camelCase (a Java property) to snake_case (the wire), as SnakeCaseStrategy does. */
    @Nullable
    private static String wireName(@Nullable String name) {
        if (name == null || !PLAIN_NAME.matcher(name).matches()) {
            return null;
        }
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
