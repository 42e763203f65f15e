package io.sentryconnect.sentry;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.net.URI;
import java.util.List;

/**
 * {@code sentry-connect.sentry.*}: everything that is Sentry-specific and not code (in the spirit of Nango's provider
 * catalogue). The OAuth client itself is {@code micronaut.security.oauth2.clients.sentry}, which reads these.
 *
 * @param baseUrl       {@code https://sentry.io} or a self-hosted URL
 * @param defaultScopes what a link asks for when the caller names no scopes
 * @param allowedScopes what a link may ask for at all
 */
@ConfigurationProperties("sentry-connect.sentry")
public record SentryProperties(URI baseUrl, List<String> defaultScopes, List<String> allowedScopes) {
}
