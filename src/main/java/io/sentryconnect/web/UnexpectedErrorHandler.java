package io.sentryconnect.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort for exceptions nothing else handles: a generic 500 problem. Framework defaults would put the
 * exception message in the body, and a message from a library (a JDBC driver, an HTTP client) is not ours to
 * vouch for, so neither the body nor the log line carries it; the log keeps the exception type and stack.
 */
@Singleton
final class UnexpectedErrorHandler implements ExceptionHandler<Exception, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorHandler.class);
    private final ErrorResponseProcessor<?> errors;

    UnexpectedErrorHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        LOG.error("Unhandled {} on {} {}", exception.getClass().getName(), request.getMethod(), request.getPath(),
                Redaction.withoutMessages(exception));
        return errors.processResponse(ErrorContext.builder(request)
                .cause(exception)
                .errorMessage("An unexpected error occurred.")
                .build(), HttpResponse.serverError());
    }
}
