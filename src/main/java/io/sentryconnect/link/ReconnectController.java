package io.sentryconnect.link;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.platform.PlatformCaller;


/** A reconnect link bound to one of the caller's grants ({@code POST /api/v1/grants/{id}/reconnect}). */
@Controller(Endpoints.GRANTS_PATH)
@Requires(property = Endpoints.GRANTS_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class ReconnectController {
    private final LinkService links;

    ReconnectController(LinkService links) {
        this.links = links;
    }

    @Post("/{id}/reconnect")
    HttpResponse<LinkController.LinkJson> reconnect(PlatformCaller caller, @PathVariable String id,
                                                    @Body @Nullable LinkController.LinkRequestJson body) {
        LinkController.LinkRequestJson request = body == null ? new LinkController.LinkRequestJson(null, null) : body;
        return LinkController.created(links.createReconnectLink(caller, Grant.parseId(id), request.scopes(), request.returnTo()));
    }
}
