package io.sentryconnect;

import io.micronaut.runtime.Micronaut;
import io.sentryconnect.database.DatabaseResolver;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** Starts the service; the database is chosen first (see {@link DatabaseResolver}). */
@OpenAPIDefinition(
        info = @Info(title = "sentry-connect", version = "1",
                description = "Link a platform user's Sentry organization (OAuth 2.0 + PKCE) and call Sentry's API on their "
                        + "behalf. Errors are RFC 9457 application/problem+json."),
        security = @SecurityRequirement(name = "platformJwt"))
@SecurityScheme(name = "platformJwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "The host platform's JWT: issuer, audience, expiry, tenant and user claims are checked.")
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.build(args)
                .mainClass(Application.class)
                .properties(DatabaseResolver.resolve("sentry_connect").properties())
                .start();
    }
}
