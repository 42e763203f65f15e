package io.sentryconnect.standin;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response, built fully before it is written, so a fault can still truncate it. */
record StandInResponse(int status, Map<String, String> headers, byte[] body) {

    StandInResponse {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    static StandInResponse json(int status, byte[] body) {
        return new StandInResponse(status, Map.of("Content-Type", "application/json"), body);
    }

    static StandInResponse html(int status, String html) {
        return new StandInResponse(status, Map.of("Content-Type", "text/html; charset=utf-8"),
                html.getBytes(StandardCharsets.UTF_8));
    }

    static StandInResponse text(int status, String text) {
        return new StandInResponse(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
                text.getBytes(StandardCharsets.UTF_8));
    }

    static StandInResponse redirect(String location) {
        return new StandInResponse(302, Map.of("Location", location), new byte[0]);
    }

    static StandInResponse empty(int status) {
        return new StandInResponse(status, Map.of(), new byte[0]);
    }

    StandInResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new StandInResponse(status, copy, body);
    }

    StandInResponse withHeaders(Map<String, String> more) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.putAll(more);
        return new StandInResponse(status, copy, body);
    }
}
