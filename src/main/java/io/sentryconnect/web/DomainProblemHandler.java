package io.sentryconnect.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.sentryconnect.SentryConnectException;
import jakarta.inject.Singleton;

import java.util.Map;

/** Answers every domain exception that reaches the HTTP layer as its problem+json ({@link DomainProblems}). */
@Singleton
final class DomainProblemHandler implements ExceptionHandler<SentryConnectException, HttpResponse<Map<String, Object>>> {
    private final DomainProblems problems;

    DomainProblemHandler(DomainProblems problems) {
        this.problems = problems;
    }

    @Override
    public MutableHttpResponse<Map<String, Object>> handle(HttpRequest request, SentryConnectException failure) {
        return ApiProblemHandler.render(problems.problem(failure));
    }
}
