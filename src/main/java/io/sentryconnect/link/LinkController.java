package io.sentryconnect.link;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.sentryconnect.platform.PlatformCaller;

import java.time.Instant;
import java.util.List;

/** The API half of linking: mint a link for the caller ({@code POST /api/v1/links}). */
@Controller
@Requires(property = Endpoints.LINKS_ENABLED, notEquals = "false")
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

    @Post(Endpoints.LINKS_PATH)
    HttpResponse<LinkJson> create(PlatformCaller caller, @Body @Nullable LinkRequestJson body) {
        LinkRequestJson request = body == null ? new LinkRequestJson(null, null) : body;
        return created(links.createLink(caller, request.scopes(), request.returnTo()));
    }

    static HttpResponse<LinkJson> created(LinkService.CreatedLink link) {
        return HttpResponse.created(new LinkJson(link.linkUrl().toString(), link.expiresAt()));
    }
}
