package io.sentryconnect.support;

import io.micronaut.core.annotation.Nullable;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code GET /api/v1/events} as a platform backend polls it. */
public final class GrantEvents {
    private GrantEvents() {
    }

    /** The events the caller of {@code jwt} may see, after {@code after} (a cursor) or from the start. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> list(String serviceUrl, LinkDriver driver, String jwt, @Nullable String after) {
        HttpResponse<String> response = new Http().get(serviceUrl + "/api/v1/events" + (after == null ? "" : "?after=" + after), Http.bearer(jwt));
        assertEquals(200, response.statusCode(), response.body());
        return (List<Map<String, Object>>) driver.map("{\"e\":" + response.body() + "}").get("e");
    }
}
