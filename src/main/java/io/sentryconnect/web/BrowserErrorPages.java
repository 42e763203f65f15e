package io.sentryconnect.web;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

import java.util.Map;

/**
 * What the framework or {@link RequestChecks} refuse on the browser routes (the connect group), as the flow's HTML
 * error page: a browser shows the page, where a problem+json body would be a wall of JSON. The status stays, and so
 * does the code the API routes would answer with; the message says what to do next, never what was sent.
 */
final class BrowserErrorPages {
    /** The endpoint group whose routes a browser opens ({@link io.sentryconnect.Endpoints}). */
    static final String GROUP = "connect";

    private BrowserErrorPages() {
    }

    /** Turns the error answer {@code response} into the page; a problem's own {@code code} is kept. */
    static void replace(MutableHttpResponse<?> response) {
        int status = response.code();
        String code = response.getBody().orElse(null) instanceof Map<?, ?> problem && problem.get("code") instanceof String own
                ? own : PluginErrorFormat.problemFor(HttpStatus.valueOf(status)).code();
        String[] text = text(status);
        String html = HtmlPages.error(status, code, text[0], text[1]).body();
        HtmlPages.browserHeaders(response.body(html).contentType(MediaType.TEXT_HTML_TYPE));
    }

    /** The page's title and message for a status. */
    private static String[] text(int status) {
        String again = " Start again from the application.";
        return switch (status) {
            case 400 -> new String[]{"This page cannot be opened",
                    "Its address holds a character it may not hold, or a value that is too long." + again};
            case 401 -> new String[]{"This page cannot be opened",
                    "The browser sent more than one Authorization header." + again};
            case 403 -> new String[]{"This request was refused", "The browser's request was refused." + again};
            case 404 -> new String[]{"Page not found", "There is no such page." + again};
            case 405 -> new String[]{"This page cannot be opened this way",
                    "The browser used a method this page does not take." + again};
            case 406 -> new String[]{"This page cannot be shown", "The browser accepts no type this page answers in." + again};
            case 413 -> new String[]{"This form is too large", "The browser sent more than this page takes." + again};
            case 415 -> new String[]{"This form could not be read",
                    "The form was not sent as an HTML form (application/x-www-form-urlencoded)." + again};
            default -> status >= 500
                    ? new String[]{"Something went wrong", "An unexpected error occurred; nothing was connected." + again}
                    : new String[]{"This request failed", "The browser's request failed." + again};
        };
    }
}
