package io.sentryconnect.web;

import io.micronaut.http.HttpStatus;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem, rendered as {@code application/problem+json} by {@link ApiProblemHandler}; {@code code} (and
 * {@code field} for validation errors) are extension members. The feature packages throw domain exceptions
 * ({@link io.sentryconnect.SentryConnectException}), which {@link DomainProblems} turns into these.
 * A detail never carries a token, a code, a secret or a verifier: build it from identifiers only.
 * Our own type rather than a problem library's: a library's handlers and error processor would take over the host
 * application's errors too.
 */
public final class ApiProblem extends RuntimeException {
    public static final String TYPE_BASE = "https://sentry-connect.io/problems/";

    private final URI type;
    private final String title;
    private final HttpStatus status;
    private final Map<String, Object> parameters;

    private ApiProblem(String code, String title, HttpStatus status, String detail, Map<String, Object> extra) {
        super(detail, null, false, false);
        this.type = URI.create(TYPE_BASE + code);
        this.title = title;
        this.status = status;
        this.parameters = Map.copyOf(withCode(code, extra));
    }

    /**
     * A problem for a status the framework produced (an unknown route, a refused credential, an unreadable body). Its
     * title is the code's title in {@link DomainProblems} where the code has one, so that one code has one title
     * whichever path answers it (a missing credential and a rejected identity are both {@code unauthenticated}).
     */
    public static ApiProblem ofStatus(HttpStatus status, String code, String detail) {
        DomainProblems.Rendering rendering = DomainProblems.BY_CODE.get(code);
        String title = rendering != null ? rendering.title() : status.getReason();
        return new ApiProblem(code, title, status, detail, Map.of());
    }

    /** The same problem about one request field (for framework errors, where the field is known only afterwards). */
    public ApiProblem withField(String field) {
        Map<String, Object> extra = new LinkedHashMap<>(parameters);
        extra.remove("code");
        extra.put("field", field);
        return new ApiProblem(code(), title, status, getDetail(), extra);
    }

    public URI getType() {
        return type;
    }

    public String getTitle() {
        return title;
    }

    public HttpStatus getStatus() {
        return status;
    }

    public String getDetail() {
        return getMessage();
    }

    /** The extension members, {@code code} among them. */
    public Map<String, Object> getParameters() {
        return parameters;
    }

    private static Map<String, Object> withCode(String code, Map<String, Object> extra) {
        Map<String, Object> parameters = new LinkedHashMap<>(extra);
        parameters.put("code", code);
        return parameters;
    }

    /** A request field is missing or wrong; the problem names it. */
    public static ApiProblem invalidField(String field, String detail) {
        return new ApiProblem("invalid_request", "Invalid request", HttpStatus.BAD_REQUEST, detail, Map.of("field", field));
    }

    /** A problem with every member given: how {@link DomainProblems} renders a domain exception. */
    static ApiProblem of(String code, String title, HttpStatus status, String detail, Map<String, Object> extra) {
        return new ApiProblem(code, title, status, detail, extra);
    }

    /** The machine-readable code, also sent as the {@code code} member. */
    public String code() {
        return String.valueOf(getParameters().get("code"));
    }
}
