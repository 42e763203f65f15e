package io.sentryconnect.sentry;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.sentryconnect.sentry.profile.SentryProfile;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Map;

/**
 * What a 401 from Sentry's API means, decided here and nowhere else, from the messages listed in
 * {@link SentryProfile#unauthorized()}: two refuse the request's URL for an org-scoped token, not the token; every
 * other 401 ({@code Invalid token}, {@code Token expired}, any other or unreadable body) is a token failure, which a
 * refresh may cure, and {@code Invalid token} is the one that replication lag can cause.
 */
@Singleton
final class Unauthorized {
    private final JsonMapper json;

    Unauthorized(JsonMapper json) {
        this.json = json;
    }

    /**
     * For a token-failure 401: whether it is {@code Invalid token}, the one failure that replication lag can cause.
     *
     * @throws RequestScopeRefused the 401 refuses the URL for the token's organization, not the token
     */
    boolean unknownToken(HttpResponse<byte[]> response) {
        return unknownToken(message(response));
    }

    /** {@link #unknownToken(HttpResponse)} for the 401's {@code detail} message. */
    static boolean unknownToken(String message) {
        return switch (SentryProfile.SENTRY.unauthorized().meaningOf(message)) {
            case REQUEST_SCOPE -> throw new RequestScopeRefused(message);
            case UNKNOWN_TOKEN -> true;
            case TOKEN_FAILURE -> false;
        };
    }

    /** Sentry's {@code detail} message of a 401, or an empty string when the body has none. */
    String message(HttpResponse<byte[]> response) {
        return message(response.getBody().orElse(new byte[0]));
    }

    /** The same for a 401 the blocking client threw. */
    String message(HttpClientResponseException refused) {
        return message(refused.getResponse().getBody(byte[].class).orElse(new byte[0]));
    }

    private String message(byte[] body) {
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
