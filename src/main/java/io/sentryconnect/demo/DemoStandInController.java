package io.sentryconnect.demo;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantQueries;
import io.sentryconnect.token.GrantStatus;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.grant.GrantNotFound;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

/**
 * {@code POST /demo/api/standin/revoke}: the page's "Revoke at Sentry" button, i.e. the stand-in's revoke control
 * reached through the service. The stand-in is another origin without CORS, and giving it CORS would make it less
 * like Sentry; this route exists only with the demo and the stand-in both on, and wants a platform JWT so that
 * no other site can drive it from a visitor's browser. It acts only on the caller's own grants: the Sentry user and
 * organization must be those of an active grant of the caller's tenant and platform user; anything else is 404, as a
 * grant the caller may not see is everywhere.
 */
@Controller("/demo/api/standin")
@Requires(property = DemoController.ENABLED, value = "true")
@Requires(beans = SentryStandIn.class)
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class DemoStandInController {
    private final SentryStandIn standIn;
    private final GrantQueries grants;

    DemoStandInController(SentryStandIn standIn, GrantQueries grants) {
        this.standIn = standIn;
        this.grants = grants;
    }

    /** A Sentry user id and an organization slug, as the grant JSON names them. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record RevokeRequest(@NotBlank String userId, @NotBlank String orgSlug) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record RevokeResult(int revokedTokens) {
    }

    @Post("/revoke")
    RevokeResult revoke(PlatformCaller caller, @Valid @Body RevokeRequest request) {
        boolean own = grants.list(caller, caller.userId(), GrantStatus.ACTIVE, request.orgSlug(), null, 100).stream()
                .map(Grant::sentryUser)
                .anyMatch(user -> user != null && user.id().equals(request.userId()));
        if (!own) {
            throw new GrantNotFound();
        }
        return new RevokeResult(standIn.revoke(request.userId(), request.orgSlug()));
    }
}
