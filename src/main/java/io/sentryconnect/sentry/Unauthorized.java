package io.sentryconnect.sentry;

import io.sentryconnect.PlainJson;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.sentryconnect.sentry.profile.SentryProfile;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Map;

/**
 * What a 401 from Sentry's API means, decided here and nowhere else, from the messages listed in
 * {@link SentryProfile#unauthorized()}: two refuse the request's URL for an org-scoped token, not the token;
 * {@code Invalid token}, {@code Token expired} and Sentry's other token failures are about the token, which a refresh
 * may cure, and {@code Invalid token} is the one that replication lag can cause; any other or unreadable body is
 * unrecognised and says nothing known about the token.
 */
@Singleton
final class Unauthorized {

    /**
     * What a 401 says about the token: {@code UNKNOWN_TOKEN}, {@code TOKEN_FAILURE} or {@code UNRECOGNISED}.
     *
     * @throws RequestScopeRefused the 401 refuses the URL for the token's organization, not the token
     */
    SentryProfile.Unauthorized meaning(HttpResponse<byte[]> response) {
        String message = message(response);
        SentryProfile.Unauthorized meaning = SentryProfile.SENTRY.unauthorized().meaningOf(message);
        if (meaning == SentryProfile.Unauthorized.REQUEST_SCOPE) {
            throw new RequestScopeRefused(message);
        }
        return meaning;
    }

    /**
     * Whether a 401's {@code detail} message is {@code Invalid token}, the one failure that replication lag can cause.
     *
     * @throws RequestScopeRefused the 401 refuses the URL for the token's organization, not the token
     */
    static boolean unknownToken(String message) {
        return switch (SentryProfile.SENTRY.unauthorized().meaningOf(message)) {
            case REQUEST_SCOPE -> throw new RequestScopeRefused(message);
            case UNKNOWN_TOKEN -> true;
            case TOKEN_FAILURE, UNRECOGNISED -> false;
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
            Map<String, Object> parsed = PlainJson.readObject(body);
            return parsed != null && parsed.get("detail") instanceof String detail ? detail : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
