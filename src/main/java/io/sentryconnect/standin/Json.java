package io.sentryconnect.standin;

import io.sentryconnect.PlainJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The stand-in's JSON: responses are built from ordered maps so their shape is exact, and written with the plugin's own
 * {@link PlainJson}, never the host's mapper, whose settings (nulls left out, say) would make the stand-in answer
 * otherwise than Sentry.
 */
final class Json {

    byte[] write(Object value) {
        try {
            return PlainJson.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses any JSON value: a map, list, string, number, boolean or null. */
    Object read(byte[] body) throws IOException {
        return PlainJson.read(body);
    }

    /** Parses a JSON object; anything else (array, string, garbage) is an {@link IOException}. */
    Map<String, Object> readObject(byte[] body) throws IOException {
        if (body.length == 0) {
            throw new IOException("empty body");
        }
        Object value = PlainJson.read(body);
        if (!(value instanceof Map<?, ?> map)) {
            throw new IOException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }
}
