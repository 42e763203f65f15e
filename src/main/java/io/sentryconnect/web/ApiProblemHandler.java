package io.sentryconnect.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders an {@link ApiProblem} as RFC 9457 JSON with its extension members ({@code code}, {@code field}, …) at the
 * top level, where the RFC puts them. Hand-written: the RFC's shape is five members, and a problem library would
 * bring handlers that take over the host application's own errors.
 */
@Singleton
final class ApiProblemHandler implements ExceptionHandler<ApiProblem, HttpResponse<Map<String, Object>>> {
    static final String PROBLEM_JSON = "application/problem+json";
    /**
     * Set on every answer rendered here: how {@link PluginErrorFormat} tells the plugin's problems from another
     * problem+json (a host's own error format, which micronaut-problem-json or a processor of the host's gives every
     * framework error, on the plugin's routes too).
     */
    private static final String RENDERED = "io.sentryconnect.problem";

    @Override
    public MutableHttpResponse<Map<String, Object>> handle(HttpRequest request, ApiProblem problem) {
        return render(problem);
    }

    /** The problem as a response, also for filters that answer before any controller. */
    static MutableHttpResponse<Map<String, Object>> render(ApiProblem problem) {
        MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(
                        problem.getStatus())
                .contentType(PROBLEM_JSON)
                .body(body(problem));
        mark(response);
        if (problem.getStatus() == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer"); // RFC 9110: a 401 names its challenge
        }
        Object retryAfter = problem.getParameters().get("retry_after");
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
        }
        return response;
    }

    /** Marks {@code response} as a problem of the plugin's. */
    static void mark(MutableHttpResponse<?> response) {
        response.setAttribute(RENDERED, Boolean.TRUE);
    }

    /** Whether {@code response} is a problem of the plugin's, rendered here. */
    static boolean rendered(HttpResponse<?> response) {
        return response.getAttribute(RENDERED).isPresent();
    }

    /** The problem's RFC 9457 members, extension members at the top level. */
    static Map<String, Object> body(ApiProblem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus().getCode());
        body.put("detail", problem.getDetail());
        body.putAll(problem.getParameters());
        return body;
    }
}
