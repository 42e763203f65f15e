package io.sentryconnect.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.problem.HttpStatusType;
import io.micronaut.problem.ProblemErrorResponseProcessor;
import io.micronaut.problem.conf.ProblemConfiguration;
import jakarta.inject.Singleton;
import org.zalando.problem.Problem;
import org.zalando.problem.ProblemBuilder;
import org.zalando.problem.ThrowableProblem;

/**
 * micronaut-problem-json for every error, with two changes to its default problem: a title always (the HTTP
 * reason phrase), and a detail for client errors (the framework's message: which route, which field). A server
 * error's detail is always our own generic sentence, never a library's exception message.
 */
@Singleton
@Replaces(ProblemErrorResponseProcessor.class)
final class ProblemResponses extends ProblemErrorResponseProcessor {
    ProblemResponses(ProblemConfiguration configuration) {
        super(configuration);
    }

    @Override
    protected ThrowableProblem defaultProblem(ErrorContext context, HttpStatus status) {
        ProblemBuilder problem = Problem.builder().withStatus(new HttpStatusType(status)).withTitle(status.getReason());
        if (status.getCode() >= 500) {
            problem.withDetail("An unexpected error occurred.");
        } else if (!context.getErrors().isEmpty()) {
            Error error = context.getErrors().get(0);
            problem.withDetail(error.getMessage());
            error.getPath().ifPresent(path -> problem.with("field", path));
        }
        return problem.build();
    }

}
