package io.sentryconnect.standin;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Thin wrapper over Micronaut's {@link JsonMapper}: responses are built from ordered maps so their shape is exact. */
final class Json {

    private static final Argument<Map<String, Object>> OBJECT = Argument.mapOf(String.class, Object.class);

    private final JsonMapper mapper;

    Json(JsonMapper mapper) {
        this.mapper = mapper;
    }

    byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses any JSON value: a map, list, string, number, boolean or null. */
    Object read(byte[] body) throws IOException {
        return mapper.readValue(body, Argument.OBJECT_ARGUMENT);
    }

    /** Parses a JSON object; anything else (array, string, garbage) is an {@link IOException}. */
    Map<String, Object> readObject(byte[] body) throws IOException {
        if (body.length == 0) {
            throw new IOException("empty body");
        }
        Map<String, Object> value = mapper.readValue(body, OBJECT);
        if (value == null) {
            throw new IOException("not a JSON object");
        }
        return value;
    }
}
