package io.sentryconnect.provisioning;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.sentryconnect.SentryConnectProperties;
import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.token.SentryProperties;
import io.sentryconnect.platform.TenantAdminRequired;

import java.net.URI;
import java.util.List;

/**
 * {@code GET /api/v1/partner/registration} (tenant admins only): what to send Sentry's partnership team to register
 * our OAuth client, straight from configuration ({@code sentry-connect.partner.*}). The required scopes default to
 * the scopes links may ask for ({@code sentry-connect.sentry.allowed-scopes}), so the two cannot drift apart.
 */
@Controller(Endpoints.PARTNER_PATH)
@Requires(property = Endpoints.PARTNER_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
class RegistrationController {
    private final PartnerProperties partner;
    private final SentryProperties sentry;
    private final Endpoints endpoints;
    private final SentryConnectProperties plugin;

    RegistrationController(PartnerProperties partner, SentryProperties sentry, Endpoints endpoints, SentryConnectProperties plugin) {
        this.partner = partner;
        this.sentry = sentry;
        this.endpoints = endpoints;
        this.plugin = plugin;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record RegistrationJson(@Nullable String clientName, List<String> redirectUris, List<String> allowedOrigins,
                            @Nullable String homePageUrl, @Nullable String privacyPolicyUrl, @Nullable String termsUrl,
                            List<String> requiredScopes) {
    }

    @Get
    RegistrationJson sheet(PlatformCaller caller) {
        if (!caller.tenantAdmin()) {
            throw new TenantAdminRequired("The partner registration sheet needs the tenant-admin role.");
        }
        // Unless configured otherwise: the one callback URL this service sends, and its own origin.
        List<String> redirectUris = partner.redirectUris().isEmpty() ? List.of(endpoints.url("connect", "/callback"))
                : strings(partner.redirectUris());
        List<String> origins = partner.allowedOrigins().isEmpty() ? List.of(plugin.base()) : strings(partner.allowedOrigins());
        return new RegistrationJson(partner.clientName(), redirectUris, origins,
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
