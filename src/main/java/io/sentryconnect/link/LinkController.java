package io.sentryconnect.link;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.sentryconnect.Inputs;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.platform.PlatformCaller;

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

    /**
     * The body of {@code POST /api/v1/links} and of a reconnect. Object, not List or String: the members' JSON types
     * are ours to check (see {@link Inputs#string}), so that a wrong one is refused naming its field, never coerced.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record LinkRequestJson(@Nullable Object scopes, @Nullable Object returnTo) {
        static final LinkRequestJson EMPTY = new LinkRequestJson(null, null);

        /** The scopes asked for; checked before anything is counted or written. */
        @Nullable
        List<String> scopeList() {
            return Inputs.strings("scopes", scopes);
        }

        @Nullable
        String returnToUrl() {
            return Inputs.string("return_to", returnTo);
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record LinkJson(String linkUrl, String expiresAt) {
    }

    @Post(Endpoints.LINKS_PATH)
    HttpResponse<LinkJson> create(PlatformCaller caller, @Body @Nullable LinkRequestJson body) {
        LinkRequestJson request = body == null ? LinkRequestJson.EMPTY : body;
        List<String> scopes = request.scopeList();
        String returnTo = request.returnToUrl();
        return created(links.createLink(caller, scopes, returnTo));
    }

    static HttpResponse<LinkJson> created(LinkService.CreatedLink link) {
        return HttpResponse.created(new LinkJson(link.linkUrl().toString(), link.expiresAt().toString()));
    }
}
