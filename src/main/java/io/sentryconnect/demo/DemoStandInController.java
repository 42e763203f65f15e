package io.sentryconnect.demo;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.sentryconnect.standin.SentryStandIn;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

/**
 * {@code POST /demo/api/standin/revoke}: the page's "Revoke at Sentry" button, i.e. the stand-in's revoke control
 * reached through the service. The stand-in is another origin without CORS, and giving it CORS would make it less
 * like Sentry; this route exists only with the demo and the stand-in both on, and wants a platform JWT so that
 * no other site can drive it from a visitor's browser.
 */
@Controller("/demo/api/standin")
@Requires(property = DemoController.ENABLED, value = "true")
@Requires(beans = SentryStandIn.class)
@Secured(SecurityRule.IS_AUTHENTICATED)
class DemoStandInController {
    private final SentryStandIn standIn;

    DemoStandInController(SentryStandIn standIn) {
        this.standIn = standIn;
    }

    /** A Sentry user id and an organization slug, as the grant JSON names them. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record RevokeRequest(@NotBlank String userId, @NotBlank String orgSlug) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record RevokeResult(int revokedTokens) {
    }

    @Post("/revoke")
    RevokeResult revoke(@Valid @Body RevokeRequest request) {
        return new RevokeResult(standIn.revoke(request.userId(), request.orgSlug()));
    }
}
