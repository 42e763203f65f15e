package io.sentryconnect.link;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code sentry-connect.link.*}, each with its default in code: a host sets only what differs.
 *
 * @param ticketTtl            how long a link ticket may wait for the browser
 * @param stateTtl             how long the trip to Sentry's consent page may take; also how long the confirmation
 *                             page's "Continue to Sentry" stays valid
 * @param cookieSecure         the browser cookies' Secure flag (false only for plain-http development)
 * @param allowedReturnOrigins origins ({@code https://platform.example}) that {@code return_to} may point at
 * @param browserConfirmation  when a browser must confirm, on a page of ours, whom it links Sentry to; see
 *                             {@link BrowserConfirmation}
 * @param purgeAfter           how long after expiry a ticket or state row is deleted (until then an expired link still
 *                             gets its "expired" answer, sent back to its {@code return_to})
 */
@ConfigurationProperties("sentry-connect.link")
public record LinkProperties(@Bindable(defaultValue = "5m") Duration ticketTtl,
                             @Bindable(defaultValue = "10m") Duration stateTtl,
                             @Bindable(defaultValue = "true") boolean cookieSecure,
                             @Nullable List<URI> allowedReturnOrigins,
                             @Bindable(defaultValue = "auto") BrowserConfirmation browserConfirmation,
                             @Bindable(defaultValue = "10m") Duration purgeAfter) {

    public LinkProperties {
        allowedReturnOrigins = allowedReturnOrigins == null ? List.of() : List.copyOf(allowedReturnOrigins);
    }

    /**
     * A link URL works in whatever browser opens it, so the browser must show it is the ticket's platform user
     * before Sentry is asked, or else its user must confirm on a page that names that user. There is no
     * {@code never}: without either, a link minted by one platform user approves another's Sentry organization
     * into the first one's account.
     */
    public enum BrowserConfirmation {
        /**
         * A browser the host signed in (an authenticated principal on the start request) must be the ticket's
         * tenant and user and goes straight to Sentry; any other browser gets the confirmation page.
         */
        AUTO,
        /** Every browser gets the confirmation page; a signed-in browser must still be the ticket's user. */
        ALWAYS
    }
}
