package io.sentryconnect.link;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code sentry-connect.link.*}.
 *
 * @param ticketTtl            how long a link ticket may wait for the browser
 * @param stateTtl             how long the trip to Sentry's consent page may take
 * @param cookieSecure         the browser-binding cookie's Secure flag (false only for plain-http development)
 * @param allowedReturnOrigins origins ({@code https://platform.example}) that {@code return_to} may point at
 */
@ConfigurationProperties("sentry-connect.link")
public record LinkProperties(Duration ticketTtl, Duration stateTtl, boolean cookieSecure, List<URI> allowedReturnOrigins) {
}
