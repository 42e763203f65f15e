package io.sentryconnect.platform;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** {@code GET /api/v1/me}: who the service takes the caller to be, for platform teams wiring up their JWTs. */
@Controller(Endpoints.ME_PATH)
@Requires(property = Endpoints.ME_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
class MeController {
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record Me(String tenantId, String userId, boolean tenantAdmin) {
    }

    @Get
    Me me(PlatformCaller caller) {
        return new Me(caller.tenantId(), caller.userId(), caller.tenantAdmin());
    }
}
