package io.sentryconnect.link;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.web.HtmlPages;

import java.net.URI;
import java.util.Optional;

/**
 * The browser half of linking: {@code /connect/sentry/start} and {@code /connect/sentry/callback}. The browser
 * carries no platform JWT; the ticket, the state and the binding cookie are its credentials. Responses are never
 * cached and send no referrer, since these URLs carry tickets, states and codes.
 */
@Controller(Endpoints.CONNECT_PATH)
@Requires(property = Endpoints.CONNECT_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConnectController {
    private final LinkService links;
    private final LinkProperties properties;

    ConnectController(LinkService links, LinkProperties properties) {
        this.links = links;
        this.properties = properties;
    }

    @Get("/start")
    MutableHttpResponse<?> start(@QueryValue @Nullable String ticket) {
        return respond(links.start(ticket));
    }

    @Get("/callback")
    MutableHttpResponse<?> callback(HttpRequest<?> request, @QueryValue @Nullable String state,
                                    @QueryValue @Nullable String code, @QueryValue @Nullable String error) {
        return respond(links.callback(state, code, error,
                name -> Optional.ofNullable(request.getCookies().get(name)).map(Cookie::getValue)));
    }

    private MutableHttpResponse<?> respond(BrowserOutcome outcome) {
        MutableHttpResponse<?> response;
        if (outcome instanceof BrowserOutcome.Redirect redirect) {
            // 302 Found, as OAuth redirects are; HttpResponse.redirect would answer 301, which browsers cache.
            response = HttpResponse.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, redirect.location().toString());
            if (redirect.cookieName() != null) {
                Cookie cookie = Cookie.of(redirect.cookieName(), redirect.cookieValue() == null ? "" : redirect.cookieValue().reveal())
                        .httpOnly(true)
                        .secure(properties.cookieSecure())
                        .sameSite(SameSite.Lax)
                        .path(URI.create(links.redirectUri()).getRawPath())
                        .maxAge(redirect.cookieValue() == null ? 0 : redirect.cookieMaxAge().toSeconds());
                response.cookie(cookie);
            }
        } else {
            BrowserOutcome.ErrorPage page = (BrowserOutcome.ErrorPage) outcome;
            response = HtmlPages.error(page.status(), page.code(), page.title(), page.message());
        }
        return response.header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
    }
}
