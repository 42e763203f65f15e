package io.sentryconnect.link;

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
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.platform.PlatformCaller;

import java.time.Instant;
import java.util.List;

/** The API half of linking: mint a link for the caller, or a reconnect link bound to one of their grants. */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class LinkController {
    private final LinkService links;

    LinkController(LinkService links) {
        this.links = links;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record LinkRequestJson(@Nullable List<String> scopes, @Nullable String returnTo) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record LinkJson(String linkUrl, Instant expiresAt) {
    }

    @Post("/links")
    HttpResponse<LinkJson> create(PlatformCaller caller, @Body @Nullable LinkRequestJson body) {
        LinkRequestJson request = body == null ? new LinkRequestJson(null, null) : body;
        return created(links.createLink(caller, request.scopes(), request.returnTo()));
    }

    @Post("/grants/{id}/reconnect")
    HttpResponse<LinkJson> reconnect(PlatformCaller caller, @PathVariable String id, @Body @Nullable LinkRequestJson body) {
        LinkRequestJson request = body == null ? new LinkRequestJson(null, null) : body;
        return created(links.createReconnectLink(caller, Grant.parseId(id), request.scopes(), request.returnTo()));
    }


    private static HttpResponse<LinkJson> created(LinkService.CreatedLink link) {
        return HttpResponse.created(new LinkJson(link.linkUrl().toString(), link.expiresAt()));
    }
}
