package io.sentryconnect.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last resort for exceptions nothing else handles: a generic 500 problem. Framework defaults would put the
 * exception message in the body, and a message from a library (a JDBC driver, an HTTP client) is not ours to
 * vouch for, so neither the body nor the log line carries it; the log keeps the exception type and stack.
 */
@Singleton
@Requires(property = "sentry-connect.standalone", value = "true") // a host has its own catch-all; ours would clash
final class UnexpectedErrorHandler implements ExceptionHandler<Exception, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        LOG.error("Unhandled {} on {} {}", exception.getClass().getName(), request.getMethod(), request.getPath(),
                Redaction.withoutMessages(exception));
        return new ApiProblemHandler().handle(request, PluginErrorFormat.problemFor(HttpStatus.INTERNAL_SERVER_ERROR));
    }
}
