package com.example.platform;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The platform's catch-all: any exception nothing more specific handles becomes a 500 in the platform's format. */
@Singleton
@Produces
class HostErrorHandler implements ExceptionHandler<Exception, HttpResponse<HostError>> {
    private static final Logger LOG = LoggerFactory.getLogger(HostErrorHandler.class);

    @Override
    public HttpResponse<HostError> handle(HttpRequest request, Exception exception) {
        LOG.error("{} {} failed", request.getMethod(), request.getPath(), exception);
        return HttpResponse.serverError(new HostError("internal", "Something went wrong on our side."));
    }
}
