package io.sentryconnect.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MutableHttpResponse;
import io.sentryconnect.AsIs;

import java.util.List;

/**
 * Readable HTML pages for the browser flows: errors that cannot go back to a trustworthy {@code return_to}, and the
 * link confirmation. Tiny and self-contained on purpose (no template engine for two pages); every value is escaped.
 */
public final class HtmlPages {
    /** No scripts, no plugins, no framing; inline styles only (the pages' one style block). */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

    private HtmlPages() {
    }

    /**
     * The headers of every answer on the browser routes, pages, redirects and refusals alike: never cached, no
     * referrer beyond our origin, never framed, no scripts, never sniffed. Their URLs carry tickets, states and codes,
     * and the confirmation page has a button worth clickjacking.
     */
    public static <T extends MutableHttpResponse<?>> T browserHeaders(T response) {
        response.header(HttpHeaders.CACHE_CONTROL, "no-store")
                // same-origin, not no-referrer: no referrer (the start URL's ticket) leaves for Sentry either way, and
                // under no-referrer browsers send the confirmation POST with "Origin: null", which the framework's
                // drive-by-localhost guard refuses (403) whenever the service runs on localhost.
                .header("Referrer-Policy", "same-origin")
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff");
        return response;
    }

    public static MutableHttpResponse<String> error(int status, String code, String title, String message) {
        String html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%s</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#2b2233}
                code{background:#f2eef6;padding:.1rem .3rem;border-radius:.2rem}</style></head>
                <body><h1>%s</h1><p id="message">%s</p><p>Error code: <code id="code">%s</code></p></body></html>
                """.formatted(escape(title), escape(title), escape(message), escape(code));
        return AsIs.mark(HttpResponse.<String>status(HttpStatus.valueOf(status)).contentType(MediaType.TEXT_HTML_TYPE).body(html));
    }

    /**
     * The link confirmation: whom the Sentry organization will be linked to, a form that POSTs {@code token} as the
     * field {@code confirmation} to {@code action}, and a cancel link. The caller adds the headers that keep it out
     * of frames and caches.
     */
    public static MutableHttpResponse<String> confirmation(String tenantId, String userId, @Nullable String requestedBy,
                                                           List<String> scopes, boolean reconnect, String action,
                                                           String token, String cancel) {
        String requested = requestedBy == null ? ""
                : "<dt>Requested by</dt><dd id=\"requested-by\">" + escape(requestedBy) + "</dd>";
        String html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Connect Sentry</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#2b2233}
                dl{display:grid;grid-template-columns:max-content auto;gap:.3rem 1rem}dt{font-weight:600}dd{margin:0}
                code{background:#f2eef6;padding:.1rem .3rem;border-radius:.2rem}
                button{font:inherit;padding:.5rem 1rem;margin-right:1rem;cursor:pointer}</style></head>
                <body><h1>%s</h1>
                <p>Sentry will ask you to approve an organization. The organization will be linked to this account of the application:</p>
                <dl><dt>Tenant</dt><dd id="tenant">%s</dd><dt>User</dt><dd id="user">%s</dd>%s
                <dt>Access</dt><dd id="scopes">%s</dd></dl>
                <p>If this is not your account, or you did not just ask to connect Sentry, cancel.</p>
                <form id="confirm" method="post" action="%s">
                <input type="hidden" name="confirmation" value="%s">
                <button type="submit" id="continue">Continue to Sentry</button><a id="cancel" href="%s">Cancel</a>
                </form></body></html>
                """.formatted(reconnect ? "Reconnect Sentry" : "Connect Sentry", escape(tenantId), escape(userId), requested,
                escape(String.join(" ", scopes)), escape(action), escape(token), escape(cancel));
        return HttpResponse.<String>ok().contentType(MediaType.TEXT_HTML_TYPE).body(html);
    }

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
