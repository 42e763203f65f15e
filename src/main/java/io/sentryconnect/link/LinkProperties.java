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
 * @param stateTtl             how long the trip to Sentry's consent page may take
 * @param cookieSecure         the browser-binding cookie's Secure flag (false only for plain-http development)
 * @param allowedReturnOrigins origins ({@code https://platform.example}) that {@code return_to} may point at
 */
@ConfigurationProperties("sentry-connect.link")
public record LinkProperties(@Bindable(defaultValue = "5m") Duration ticketTtl,
                             @Bindable(defaultValue = "10m") Duration stateTtl,
                             @Bindable(defaultValue = "true") boolean cookieSecure,
                             @Nullable List<URI> allowedReturnOrigins) {
    public LinkProperties {
        allowedReturnOrigins = allowedReturnOrigins == null ? List.of() : List.copyOf(allowedReturnOrigins);
    }
}
