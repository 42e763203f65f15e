package io.sentryconnect.standin;

import com.sun.net.httpserver.Headers;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A request as the endpoints see it: already read, so faults and logging can wrap any handler. */
record StandInRequest(Origin origin, String method, String path, String rawQuery,
                      Map<String, List<String>> query, Headers headers, byte[] body, String remoteAddress) {

    /** A query parameter as {@code request.GET.get} reads it: the last value of a repeated name. */
    @Nullable
    String param(String name) {
        return FormCodec.value(query, name);
    }

    /** Every value of a repeated parameter ({@code ?project=1&project=2}), as Django's {@code getlist}. */
    List<String> params(String name) {
        List<String> values = query.get(name);
        return values == null ? List.of() : values;
    }

    @Nullable
    String header(String name) {
        return headers.getFirst(name);
    }

    /**
     * The form body; empty unless the content type is form-encoded, as Django's {@code request.POST} behaves,
     * so a JSON token request looks like one without parameters.
     */
    Map<String, List<String>> form() {
        String type = header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return Map.of();
        }
        return FormCodec.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
}
