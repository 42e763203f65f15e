package io.sentryconnect.link;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.web.HtmlPages;

import java.util.Optional;
import java.util.function.Function;

/**
 * The browser half of linking: {@code /connect/sentry/start}, {@code /connect/sentry/confirm} and
 * {@code /connect/sentry/callback}. Anonymous browsers are welcome: the ticket, the confirmation cookie, the state
 * and the binding cookie are their credentials. When the host signs browsers in, the principal it puts on the
 * request is checked against the ticket's user (BrowserLinking). Responses are never cached, send no referrer and may
 * not be framed, since these URLs carry tickets, states and codes and the confirmation page has a button worth
 * clickjacking.
 */
// Browser routes: their answers are pages and redirects, so a browser's Accept: text/html must not be refused with
// the 406 a JSON controller would give it.
@Controller(value = Endpoints.CONNECT_PATH, produces = MediaType.TEXT_HTML)
@Requires(property = Endpoints.CONNECT_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class ConnectController {
    private final BrowserLinking links;
    private final LinkCallback callbacks;
    private final LinkProperties properties;

    ConnectController(BrowserLinking links, LinkCallback callbacks, LinkProperties properties) {
        this.links = links;
        this.callbacks = callbacks;
        this.properties = properties;
    }

    @Get("/start")
    MutableHttpResponse<?> start(@QueryValue @Nullable String ticket, @Nullable Authentication browser) {
        return respond(links.start(ticket, browser));
    }

    @Post(value = "/confirm", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    MutableHttpResponse<?> confirm(HttpRequest<?> request, @Body("confirmation") @Nullable String confirmation,
                                   @Nullable Authentication browser) {
        return respond(links.confirm(confirmation, cookies(request), browser));
    }

    @Get("/callback")
    MutableHttpResponse<?> callback(HttpRequest<?> request, @QueryValue @Nullable String state,
                                    @QueryValue @Nullable String code, @QueryValue @Nullable String error) {
        return respond(callbacks.callback(state, code, error, cookies(request)));
    }

    private static Function<String, Optional<String>> cookies(HttpRequest<?> request) {
        return name -> Optional.ofNullable(request.getCookies().get(name)).map(Cookie::getValue);
    }

    private MutableHttpResponse<?> respond(BrowserOutcome outcome) {
        MutableHttpResponse<?> response;
        if (outcome instanceof BrowserOutcome.Redirect redirect) {
            // 302 Found, as OAuth redirects are; HttpResponse.redirect would answer 301, which browsers cache.
            response = HttpResponse.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, redirect.location().toString());
            redirect.cookies().forEach(cookie -> response.cookie(cookie(cookie)));
        } else if (outcome instanceof BrowserOutcome.ConfirmationPage page) {
            response = HtmlPages.confirmation(page.tenantId(), page.userId(), page.requestedBy(), page.scopes(),
                    page.reconnect(), page.action().toString(), page.token().reveal(), page.cancel().toString());
            response.cookie(cookie(page.cookie()));
        } else {
            BrowserOutcome.ErrorPage page = (BrowserOutcome.ErrorPage) outcome;
            response = HtmlPages.error(page.status(), page.code(), page.title(), page.message());
        }
        return HtmlPages.browserHeaders(response);
    }

    private Cookie cookie(BrowserOutcome.SetCookie cookie) {
        return Cookie.of(cookie.name(), cookie.value() == null ? "" : cookie.value().reveal())
                .httpOnly(true)
                .secure(properties.cookieSecure())
                .sameSite(cookie.sameSite())
                .path(cookie.path())
                .maxAge(cookie.value() == null ? 0 : cookie.maxAge().toSeconds());
    }
}
