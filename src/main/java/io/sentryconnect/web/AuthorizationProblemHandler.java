package io.sentryconnect.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import jakarta.inject.Singleton;

/**
 * 401 and 403 from micronaut-security as problem+json with a title and a detail that say what to do. The default
 * handler also knows redirects to a login page, which an API that is called with a platform JWT never wants.
 * Nothing about the presented token is echoed back.
 */
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
final class AuthorizationProblemHandler implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {
    private final ErrorResponseProcessor<?> errors;

    AuthorizationProblemHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException exception) {
        if (exception.isForbidden()) {
            return errors.processResponse(ErrorContext.builder(request).cause(exception)
                    .errorMessage("The platform JWT does not allow this request.").build(), HttpResponse.status(
                    io.micronaut.http.HttpStatus.FORBIDDEN));
        }
        MutableHttpResponse<?> response = errors.processResponse(ErrorContext.builder(request).cause(exception)
                .errorMessage("A valid platform JWT is required: Authorization: Bearer <JWT> with the expected issuer, "
                        + "audience, expiry, tenant and user claims.").build(), HttpResponse.unauthorized());
        return response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
}
