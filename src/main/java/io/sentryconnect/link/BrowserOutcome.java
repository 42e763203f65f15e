package io.sentryconnect.link;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.cookie.SameSite;
import io.sentryconnect.token.Secret;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Where a browser endpoint sends the browser: on to a URL (setting or clearing cookies), a page to confirm, or an error page. */
sealed interface BrowserOutcome {
    /** A cookie to set; {@code value} null clears it. */
    record SetCookie(String name, @Nullable Secret value, Duration maxAge, String path, SameSite sameSite) {
        static SetCookie clear(String name, String path, SameSite sameSite) {
            return new SetCookie(name, null, Duration.ZERO, path, sameSite);
        }
    }

    /** A 302. */
    record Redirect(URI location, List<SetCookie> cookies) implements BrowserOutcome {
        Redirect(URI location) {
            this(location, List.of());
        }
    }

    /**
     * The confirmation page: whom the Sentry organization will be linked to, a form that POSTs {@code token} to
     * {@code action}, and {@code cookie}, which that POST must carry.
     */
    record ConfirmationPage(String tenantId, String userId, @Nullable String requestedBy, List<String> scopes,
                            boolean reconnect, URI action, Secret token, URI cancel, SetCookie cookie)
            implements BrowserOutcome {
    }

    /** A readable HTML page: there is no trustworthy {@code return_to} to send the browser back to. */
    record ErrorPage(int status, String code, String title, String message) implements BrowserOutcome {
    }
}
