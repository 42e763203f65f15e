package io.sentryconnect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * JSON that the plugin writes and reads itself, where no setting of the host may reach: the event payloads it stores
 * (sent as webhooks and served by {@code GET /api/v1/events} byte for byte), and the Sentry stand-in's answers (maps
 * whose nulls Sentry writes). A Jackson databind {@link ObjectMapper} of its own, with fixed settings: nulls written,
 * unknown members ignored, {@link PluginJson} types in snake_case. Not a bean: the host's {@code JsonMapper} (serde or
 * databind, with the host's naming, inclusion and date settings) keeps serving the host and the framework, and is
 * neither replaced nor read here. The rest of the plugin's bodies (its API's records) go through the host's mapper,
 * their shape fixed by their annotations.
 */
public final class PlainJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // One JSON value and nothing after it, as Django REST framework's parser (Python's json.loads) insists:
            // "{...} junk" is a 400 at Sentry, so the stand-in may not read it either.
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private PlainJson() {
    }

    public static byte[] write(Object value) throws IOException {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String writeString(Object value) throws IOException {
        return MAPPER.writeValueAsString(value);
    }

    /** Any JSON value: a map, list, string, number, boolean or null. */
    public static Object read(byte[] json) throws IOException {
        return MAPPER.readValue(json, Object.class);
    }

    /** A JSON object; {@code null} for the JSON {@code null}. */
    public static Map<String, Object> readObject(byte[] json) throws IOException {
        return MAPPER.readValue(json, OBJECT);
    }

    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    public static <T> T read(InputStream json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }
}
