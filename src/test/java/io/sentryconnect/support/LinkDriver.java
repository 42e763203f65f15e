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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the linking flow over real HTTP as a platform backend plus a browser would: API call with a JWT, then the
 * browser's hops (start → our confirmation page → Continue → Sentry's authorize → callback) with a cookie jar, one
 * hop at a time. The browser is anonymous, as in a host that does not sign browsers in; {@link #startSignedIn}
 * plays one that does.
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

    private static final Pattern FORM_ACTION = Pattern.compile("<form id=\"confirm\" method=\"post\" action=\"([^\"]+)\"");
    private static final Pattern CONFIRMATION = Pattern.compile("name=\"confirmation\" value=\"([^\"]+)\"");

    /** A grant linked for a fresh tenant: its id, its owner's JWT, and an admin JWT of the same tenant. */
    public record Linked(String tenant, String grantId, String jwt, String adminJwt) {
    }

    /** Links {@code orgSlug} as Sentry user {@code sentryUser} for platform user u1 of a fresh tenant. */
    public Linked linkForNewTenant(String sentryUser, String orgSlug) {
        String tenant = "t-" + java.util.UUID.randomUUID();
        String jwt = jwt(tenant, "u1");
        HttpResponse<String> done = link(jwt, sentryUser, orgSlug);
        String grantId = query(location(done)).get("grant_id");
        if (grantId == null) {
            throw new AssertionError("the link did not end in a grant: " + location(done));
        }
        return new Linked(tenant, grantId, jwt, jwt(tenant, "admin", "tenant-admin"));
    }

    /**
     * The anonymous browser opens the link and clicks "Continue to Sentry" on the confirmation page: the service
     * answers 302 to Sentry's authorize URL (or, when the link does not get as far as the page, its error answer).
     */
    public HttpResponse<String> start(Http browser, String linkUrl) {
        HttpResponse<String> page = open(browser, linkUrl);
        return page.statusCode() == 200 ? confirm(browser, page) : page;
    }

    /** The browser opens the link: the confirmation page (or an error). */
    public HttpResponse<String> open(Http browser, String linkUrl) {
        return browser.get(linkUrl);
    }

    /** A browser the host signed in as the JWT's user opens the link: 302 to Sentry when it is the ticket's user. */
    public HttpResponse<String> startSignedIn(Http browser, String linkUrl, String jwt) {
        return browser.get(linkUrl, Http.bearer(jwt));
    }

    /** "Continue to Sentry" on a confirmation page: the page's form POSTed with the browser's cookies. */
    public HttpResponse<String> confirm(Http browser, HttpResponse<String> page) {
        return browser.postForm(formAction(page.body()), "confirmation=" + confirmationToken(page.body()));
    }

    public static String formAction(String html) {
        return unescape(match(FORM_ACTION, html));
    }

    public static String confirmationToken(String html) {
        return match(CONFIRMATION, html);
    }

    private static String match(Pattern pattern, String html) {
        Matcher matcher = pattern.matcher(html);
        if (!matcher.find()) {
            throw new AssertionError("not a confirmation page: " + html);
        }
        return matcher.group(1);
    }

    /** HtmlPages escapes attribute values; a URL's {@code &} comes back as {@code &amp;}. */
    public static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
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
