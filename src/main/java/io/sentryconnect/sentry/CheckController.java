package io.sentryconnect.sentry;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantJson;
import io.sentryconnect.grant.GrantQueries;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.grant.GrantDisconnected;
import io.sentryconnect.grant.GrantNotFound;
import io.sentryconnect.grant.GrantRevoked;

import java.util.UUID;

/**
 * {@code POST /api/v1/grants/{id}/check}: calls the grant's own organization ({@code GET organizations/{org}/}: the API
 * index answers 401 to an org-scoped token), refreshing only on a token-failure 401 and revoking only on the token
 * endpoint's verdict, and answers the grant as it now stands (status may have turned revoked).
 * It lives here, not in the grant package, because it calls Sentry.
 */
@Controller(Endpoints.GRANTS_PATH + "/{id}/check")
@Requires(property = Endpoints.GRANTS_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class CheckController {
    private final SentryApi sentry;
    private final GrantQueries grants;

    CheckController(SentryApi sentry, GrantQueries grants) {
        this.sentry = sentry;
        this.grants = grants;
    }

    /** It reads no body: a body of any type is ignored, as on a GET route, rather than the router's {@code 415}. */
    @Post(consumes = MediaType.ALL)
    GrantJson check(PlatformCaller caller, @PathVariable String id) {
        UUID grantId = Grant.parseId(id);
        try {
            sentry.checkOrganization(caller, grantId);
        } catch (GrantRevoked | GrantDisconnected e) {
            // The check's finding: the grant answers as it now stands.
        }
        return grants.findVisible(caller, grantId).map(GrantJson::of).orElseThrow(GrantNotFound::new);
    }
}
