package io.sentryconnect.support;

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

/**
 * Drives the linking flow over real HTTP as a platform backend plus a browser would: API call with a JWT, then the
 * browser's hops (start → Sentry's authorize → callback) with a cookie jar, one hop at a time.
 */
public final class LinkDriver {
    public static final String RETURN_TO = "https://platform.example/settings/integrations";
    private final String serviceUrl;
    private final SentryStandIn standIn;
    private final JsonMapper json;

    public LinkDriver(String serviceUrl, SentryStandIn standIn, JsonMapper json) {
        this.serviceUrl = serviceUrl;
        this.standIn = standIn;
        this.json = json;
    }

    /** A platform JWT from the dev token endpoint. */
    public String jwt(String tenant, String user, String... roles) {
        HttpResponse<String> response = new Http().postJson(serviceUrl + "/dev/token",
                toJson(Map.of("tenant", tenant, "user", user, "roles", List.of(roles))));
        return (String) map(response.body()).get("token");
    }

    /** {@code POST /api/v1/links}; returns the raw response. */
    public HttpResponse<String> createLink(String jwt, Map<String, Object> body) {
        return new Http().postJson(serviceUrl + "/api/v1/links", toJson(body), Http.bearer(jwt));
    }

    /** A link URL for the default scopes and {@link #RETURN_TO}. */
    public String linkUrl(String jwt) {
        HttpResponse<String> response = createLink(jwt, Map.of("return_to", RETURN_TO));
        if (response.statusCode() != 201) {
            throw new AssertionError("link not created: " + response.statusCode() + " " + response.body());
        }
        return (String) map(response.body()).get("link_url");
    }

    /** The browser opens the link: the service answers 302 to Sentry's authorize URL (or an error). */
    public HttpResponse<String> start(Http browser, String linkUrl) {
        return browser.get(linkUrl);
    }

    /** The browser at Sentry, where the next decision was queued with the stand-in: 302 to our callback. */
    public HttpResponse<String> authorize(Http browser, String authorizeUrl) {
        return browser.get(authorizeUrl);
    }

    /** The full flow for a user approving {@code orgSlug} as Sentry user {@code sentryUserId}; returns the final response. */
    public HttpResponse<String> link(String jwt, String sentryUserId, String orgSlug) {
        return link(new Http(), linkUrl(jwt), sentryUserId, orgSlug);
    }

    public HttpResponse<String> link(Http browser, String linkUrl, String sentryUserId, String orgSlug) {
        HttpResponse<String> toSentry = start(browser, linkUrl);
        standIn.approveNext(sentryUserId, orgSlug);
        HttpResponse<String> toCallback = authorize(browser, location(toSentry));
        return browser.get(location(toCallback));
    }

    public static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location: " + response.statusCode() + " " + response.body()));
    }

    /** The query parameters of a URL, decoded. */
    public static Map<String, String> query(String url) {
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

    public Map<String, Object> map(String body) {
        try {
            return json.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
