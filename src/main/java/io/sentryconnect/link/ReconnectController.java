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

import java.util.List;


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
        LinkController.LinkRequestJson request = body == null ? LinkController.LinkRequestJson.EMPTY : body;
        // The body's types first, as when the framework decoded them: before the grant is looked up or anything counted.
        List<String> scopes = request.scopeList();
        String returnTo = request.returnToUrl();
        return LinkController.created(links.createReconnectLink(caller, Grant.parseId(id), scopes, returnTo));
    }
}
