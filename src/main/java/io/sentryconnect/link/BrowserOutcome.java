package io.sentryconnect.link;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.token.Secret;

import java.net.URI;
import java.time.Duration;

/** Where a browser endpoint sends the browser: on to a URL (maybe setting or clearing the binding cookie), or an error page. */
sealed interface BrowserOutcome {
    /** A 302. {@code cookieValue} null with a cookie name clears that cookie. */
    record Redirect(URI location, @Nullable String cookieName, @Nullable Secret cookieValue, Duration cookieMaxAge)
            implements BrowserOutcome {
    }

    /** A readable HTML page: there is no trustworthy {@code return_to} to send the browser back to. */
    record ErrorPage(int status, String code, String title, String message) implements BrowserOutcome {
    }
}
