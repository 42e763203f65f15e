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
