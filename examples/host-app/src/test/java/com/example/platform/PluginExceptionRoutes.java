package com.example.platform;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.SentryConnectException;
import io.sentryconnect.grant.GrantNotFound;
import jakarta.inject.Singleton;

/**
 * Platform routes that let a plugin exception escape, as a route calling {@code SentryApi} with an unknown grant does:
 * one without any handling, one whose controller maps the plugin's exceptions itself ({@code @Error}, local to it);
 * and, switched on separately, a platform {@code ExceptionHandler} for one plugin exception type.
 */
final class PluginExceptionRoutes {
    static final String ON = "test.plugin-exception-routes";
    static final String GLOBAL_HANDLER = "test.plugin-exception-routes.global-handler";

    private PluginExceptionRoutes() {
    }

    @Controller("/public/sentry-failure")
    @Secured(SecurityRule.IS_ANONYMOUS)
    @Requires(property = ON, value = "true")
    static class Unhandled {
        @Get
        String fail() {
            throw new GrantNotFound();
        }
    }

    @Controller("/public/sentry-failure-mapped")
    @Secured(SecurityRule.IS_ANONYMOUS)
    @Requires(property = ON, value = "true")
    static class MappedHere {
        @Get
        String fail() {
            throw new GrantNotFound();
        }

        @Error(exception = SentryConnectException.class)
        HttpResponse<HostError> pluginFailure(SentryConnectException failure) {
            return HttpResponse.notFound(new HostError("sentry_" + failure.code(), failure.getMessage()));
        }
    }

    @Singleton
    @Produces
    @Requires(property = GLOBAL_HANDLER, value = "true")
    static class GrantNotFoundHandler implements ExceptionHandler<GrantNotFound, HttpResponse<HostError>> {
        @Override
        public HttpResponse<HostError> handle(HttpRequest request, GrantNotFound exception) {
            return HttpResponse.notFound(new HostError("host_grant_not_found", exception.getMessage()));
        }
    }
}
