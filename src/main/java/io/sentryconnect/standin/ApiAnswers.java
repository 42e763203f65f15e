package io.sentryconnect.standin;

import java.util.Map;

/** How the stand-in's API answers, in Sentry's shapes: JSON bodies, {@code {"detail": …}} errors, the 401 header. */
final class ApiAnswers {
    static final String NOT_FOUND = "The requested resource does not exist";
    static final String FORBIDDEN = "You do not have permission to perform this action.";
    /** {@code QuietBasicAuthentication.authenticate_header} in {@code src/sentry/api/authentication.py}. */
    static final String WWW_AUTHENTICATE = "xBasic realm=\"api\"";

    private final Json json;

    ApiAnswers(Json json) {
        this.json = json;
    }

    /** Why a request stops before its endpoint runs. */
    static final class Refusal extends Exception {
        final transient StandInResponse response;

        Refusal(StandInResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    StandInResponse ok(Object body) {
        return json(200, body);
    }

    StandInResponse json(int status, Object body) {
        return StandInResponse.json(status, json.write(body));
    }

    StandInResponse detail(int status, String message) {
        return json(status, Map.of("detail", message));
    }

    /**
     * An exception the view does not catch: {@code handle_exception} in {@code src/sentry/api/base.py} answers
     * {@code {"detail": "Internal Error", "errorId": …}} with the id of the event it reports.
     */
    StandInResponse internalError() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("detail", "Internal Error");
        body.put("errorId", Secrets.token().substring(0, 32));
        return json(500, body);
    }

    /** Every API 401 names the scheme DRF's first authenticator offers. */
    StandInResponse unauthorized(String message) {
        return detail(401, message).withHeader("WWW-Authenticate", WWW_AUTHENTICATE);
    }
}
