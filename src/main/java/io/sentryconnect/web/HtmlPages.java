package io.sentryconnect.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/**
 * Readable HTML pages for browser flows that cannot go back to a trustworthy {@code return_to}. Tiny and
 * self-contained on purpose (no template engine for one page); every value is escaped.
 */
public final class HtmlPages {
    private HtmlPages() {
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
        return PluginErrorFormat.asIs(HttpResponse.<String>status(HttpStatus.valueOf(status)).contentType(MediaType.TEXT_HTML_TYPE).body(html));
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
