package io.sentryconnect.link;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.cookie.SameSite;
import io.sentryconnect.Endpoints;
import io.sentryconnect.PluginMetrics;
import io.sentryconnect.token.AssociatedData;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.List;

/**
 * Where the browser steps of linking send the browser when they end: back to {@code return_to} with an outcome code,
 * or a readable error page; each outcome counted ({@code sentry_connect.link.outcomes}). Also the names and paths of
 * the flow's cookies, and the redirect URI, which the browser steps share.
 */
@Singleton
class LinkPages {
    private static final String COOKIE_PREFIX = "sc_link_";
    private static final String CONFIRMATION_COOKIE_PREFIX = "sc_confirm_";

    private final Endpoints endpoints;
    private final MeterRegistry metrics;

    LinkPages(Endpoints endpoints, PluginMetrics metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics.registry();
    }

    /**
     * The exact redirect URI registered with Sentry, sent to authorize and to the token exchange alike; its path
     * (public-url's path + {@code /connect/sentry/callback}) is also the binding cookie's path.
     */
    String redirectUri() {
        return endpoints.url("connect", "/callback");
    }

    String callbackPath() {
        return URI.create(redirectUri()).getRawPath();
    }

    URI confirmationAction() {
        return URI.create(endpoints.url("connect", "/confirm"));
    }

    /** The confirmation cookie goes only to the confirmation POST. */
    String confirmationPath() {
        return confirmationAction().getRawPath();
    }

    /** Named after its token, so that confirmation pages open in two tabs do not overwrite each other's cookie. */
    static String confirmationCookieName(byte[] tokenHash) {
        return CONFIRMATION_COOKIE_PREFIX + Randoms.hex(tokenHash).substring(0, 16);
    }

    /** The binding cookie is named after its state, so that links started in two tabs do not overwrite each other. */
    static String cookieName(byte[] stateHash) {
        return COOKIE_PREFIX + Randoms.hex(stateHash).substring(0, 16);
    }

    /** Associated data of a state's encrypted PKCE verifier: it decrypts only for its own state. */
    static String verifierAd(byte[] stateHash) {
        return AssociatedData.linkStateVerifier(stateHash);
    }

    /** Clears the binding cookie of the callback. */
    BrowserOutcome.SetCookie clearBinding(String cookie) {
        return BrowserOutcome.SetCookie.clear(cookie, callbackPath(), SameSite.Lax);
    }

    BrowserOutcome back(LinkRepository.LinkRequest request, String code) {
        return back(request, code, (BrowserOutcome.SetCookie) null);
    }

    /** Back to {@code return_to} with {@code code}, clearing the callback's binding cookie {@code clearCookie}. */
    BrowserOutcome back(LinkRepository.LinkRequest request, String code, @Nullable String clearCookie) {
        return back(request, code, clearCookie == null ? null : clearBinding(clearCookie));
    }

    BrowserOutcome back(LinkRepository.LinkRequest request, String code, @Nullable BrowserOutcome.SetCookie clear) {
        counted(code);
        URI location = QueryUrls.with(request.returnTo(), "sentry_connect", "error", "code", code);
        return new BrowserOutcome.Redirect(location, clear == null ? List.of() : List.of(clear));
    }

    BrowserOutcome page(String code, String title, String message) {
        return page(400, code, title, message);
    }

    BrowserOutcome page(int status, String code, String title, String message) {
        counted(code);
        return new BrowserOutcome.ErrorPage(status, code, title, message);
    }

    /** Counts an outcome of the flow, {@code connected} and {@code reconnected} included. */
    void counted(String code) {
        Counter.builder("sentry_connect.link.outcomes")
                .description("Ends of the browser's link flow, by code: connected, reconnected, or the error page shown")
                .tag("code", code).register(metrics).increment();
    }
}
