package io.sentryconnect.provisioning;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.token.SentryProperties;
import io.sentryconnect.web.ApiProblem;

import java.net.URI;
import java.util.List;

/**
 * {@code GET /api/v1/partner/registration} (tenant admins only): what to send Sentry's partnership team to register
 * our OAuth client, straight from configuration ({@code sentry-connect.partner.*}). The required scopes default to
 * the scopes links may ask for ({@code sentry-connect.sentry.allowed-scopes}), so the two cannot drift apart.
 */
@Controller("/api/v1/partner/registration")
@Secured(SecurityRule.IS_AUTHENTICATED)
class RegistrationController {
    private final PartnerProperties partner;
    private final SentryProperties sentry;

    RegistrationController(PartnerProperties partner, SentryProperties sentry) {
        this.partner = partner;
        this.sentry = sentry;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RegistrationJson(@Nullable String clientName, List<String> redirectUris, List<String> allowedOrigins,
                            @Nullable String homePageUrl, @Nullable String privacyPolicyUrl, @Nullable String termsUrl,
                            List<String> requiredScopes) {
    }

    @Get
    RegistrationJson sheet(PlatformCaller caller) {
        if (!caller.tenantAdmin()) {
            throw ApiProblem.forbidden("The partner registration sheet needs the tenant-admin role.");
        }
        return new RegistrationJson(partner.clientName(), strings(partner.redirectUris()), strings(partner.allowedOrigins()),
                string(partner.homePageUrl()), string(partner.privacyPolicyUrl()), string(partner.termsUrl()),
                partner.requiredScopes().isEmpty() ? List.copyOf(sentry.allowedScopes()) : partner.requiredScopes());
    }

    private static List<String> strings(List<URI> uris) {
        return uris.stream().map(URI::toString).toList();
    }

    @Nullable
    private static String string(@Nullable URI uri) {
        return uri == null ? null : uri.toString();
    }
}
