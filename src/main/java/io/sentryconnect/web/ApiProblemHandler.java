package io.sentryconnect.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.problem.ProblemErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders an {@link ApiProblem} as RFC 9457 JSON with its extension members ({@code code}, {@code field}, …) at the
 * top level, where the RFC puts them; micronaut-problem-json's own handler would nest them under "parameters".
 */
@Singleton
final class ApiProblemHandler implements ExceptionHandler<ApiProblem, HttpResponse<Map<String, Object>>> {
    @Override
    public MutableHttpResponse<Map<String, Object>> handle(HttpRequest request, ApiProblem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus().getStatusCode());
        body.put("detail", problem.getDetail());
        body.putAll(problem.getParameters());
        MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(
                        HttpStatus.valueOf(problem.getStatus().getStatusCode()))
                .contentType(ProblemErrorResponseProcessor.APPLICATION_PROBLEM_JSON)
                .body(body);
        Object retryAfter = problem.getParameters().get("retry_after");
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
        }
        return response;
    }
}
