package io.sentryconnect.sentry;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * What a 401 from Sentry's API means, decided here and nowhere else. Sentry's {@code src/sentry/api/authentication.py}
 * ({@code UserAuthTokenAuthentication.authenticate_token}) answers an org-scoped token with two messages that refuse
 * the request's URL, not the token; every other 401 ({@code Invalid token}, {@code Token expired},
 * {@code User inactive or deleted}, {@code UserApplication inactive or deleted}, any other or unreadable body) is a
 * token failure, which a refresh may cure.
 */
@Singleton
final class Unauthorized {
    static final String UNAUTHORIZED_ORGANIZATION = "Unauthorized organization access.";
    static final String ORGANIZATION_ENDPOINTS_ONLY = "This token access is limited to organization endpoints.";
    private static final Set<String> REQUEST_SCOPE = Set.of(UNAUTHORIZED_ORGANIZATION, ORGANIZATION_ENDPOINTS_ONLY);

    private final JsonMapper json;

    Unauthorized(JsonMapper json) {
        this.json = json;
    }

    /** What a token Sentry does not know reads like: revoked, deleted, or not yet replicated to the region. */
    static final String INVALID_TOKEN = "Invalid token";

    /**
     * For a token-failure 401: whether it is {@code Invalid token}, the one failure that replication lag can cause.
     *
     * @throws RequestScopeRefused the 401 refuses the URL for the token's organization, not the token
     */
    boolean unknownToken(HttpResponse<byte[]> response) {
        String message = message(response);
        if (REQUEST_SCOPE.contains(message)) {
            throw new RequestScopeRefused(message);
        }
        return INVALID_TOKEN.equals(message);
    }

    /** Sentry's {@code detail} message of a 401, or an empty string when the body has none. */
    String message(HttpResponse<byte[]> response) {
        byte[] body = response.getBody().orElse(new byte[0]);
        if (body.length == 0 || body.length > 4096) {
            return "";
        }
        try {
            Map<String, Object> parsed = json.readValue(body, Argument.mapOf(String.class, Object.class));
            return parsed != null && parsed.get("detail") instanceof String detail ? detail : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
