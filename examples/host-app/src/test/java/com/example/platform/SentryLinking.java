package com.example.platform;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.sentryconnect.standin.SentryStandIn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * "Connect to Sentry" as the platform's frontend and a browser go through it, under the platform's prefix
 * ({@code /integrations/sentry}): ask for a link with the platform's JWT, open it in the browser, decide at the
 * Sentry stand-in, come back through the callback to {@code return_to}. Every hop is one request, redirects by hand.
 */
final class SentryLinking {
    static final String PREFIX = "/integrations/sentry";
    /** The callback the platform registers with Sentry (a loopback URI without a port matches any port). */
    static final String CALLBACK = "http://localhost/integrations/sentry/connect/callback";

    private final String baseUrl;
    private final SentryStandIn standIn;
    private final JsonMapper json;
    /** The authorization codes and states of the callbacks so far: secrets a log line must never hold. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    SentryLinking(String baseUrl, SentryStandIn standIn, JsonMapper json) {
        this.baseUrl = baseUrl;
        this.standIn = standIn;
        this.json = json;
    }

    String returnTo() {
        return baseUrl + "/settings/integrations";
    }

    String url(String path) {
        return baseUrl + PREFIX + path;
    }

    /** {@code POST …/links}: the link URL the frontend sends the browser to. */
    String linkUrl(String jwt) {
        return linkUrlOf(new Browser().postJson(url("/links"), toJson(Map.of("return_to", returnTo())), Browser.bearer(jwt)));
    }

    /** {@code POST …/grants/{id}/reconnect}: the link URL that renews a revoked grant. */
    String reconnectUrl(String jwt, String grantId) {
        return linkUrlOf(new Browser().postJson(url("/grants/" + grantId + "/reconnect"),
                toJson(Map.of("return_to", returnTo())), Browser.bearer(jwt)));
    }

    /**
     * The browser opens the link at the platform, signed in to it (the platform's JWT goes along): the answer leads to
     * Sentry's authorize page. The one place to change when opening a link takes more than one request.
     */
    HttpResponse<String> openLink(Browser browser, String linkUrl, String jwt) {
        return browser.get(linkUrl, Browser.bearer(jwt));
    }

    /** The whole trip for the signed-in user {@code jwt}, approving {@code orgSlug} as Sentry user {@code sentryUserId}. */
    HttpResponse<String> connect(String jwt, String linkUrl, String sentryUserId, String orgSlug) {
        Browser browser = new Browser();
        HttpResponse<String> toSentry = openLink(browser, linkUrl, jwt);
        assertRedirect(toSentry, standIn.baseUrl() + "/oauth/authorize");
        standIn.approveNext(sentryUserId, orgSlug);
        HttpResponse<String> toCallback = browser.get(Browser.location(toSentry));
        assertRedirect(toCallback, url("/connect/callback"));
        Map<String, String> callback = query(Browser.location(toCallback));
        seen.add(callback.get("code"));
        seen.add(callback.get("state"));
        return browser.get(Browser.location(toCallback));
    }

    Set<String> codesAndStatesSeen() {
        return Set.copyOf(seen);
    }

    /** The grant id the platform's settings page reads from {@code return_to?sentry_connect=connected&grant_id=…}. */
    String connectedGrantId(HttpResponse<String> back) {
        String location = Browser.location(back);
        Map<String, String> query = query(location);
        if (!location.startsWith(returnTo()) || !"connected".equals(query.get("sentry_connect"))) {
            throw new AssertionError("not connected: " + location);
        }
        return query.get("grant_id");
    }

    Map<String, Object> map(String body) {
        try {
            return json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Map<String, Object>> list(String body) {
        try {
            return json.readValue(body, Argument.listOf(Argument.mapOf(String.class, Object.class)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        String query = URI.create(url).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private String linkUrlOf(HttpResponse<String> created) {
        if (created.statusCode() != 201) {
            throw new AssertionError("link not created: " + created.statusCode() + " " + created.body());
        }
        return (String) map(created.body()).get("link_url");
    }

    private static void assertRedirect(HttpResponse<String> response, String prefix) {
        String location = Browser.location(response);
        if (response.statusCode() != 302 || !location.startsWith(prefix)) {
            throw new AssertionError("expected a redirect to " + prefix + ", got " + response.statusCode() + " " + location);
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
