package io.sentryconnect.http;

import io.sentryconnect.StartCheck;
import jakarta.inject.Singleton;

/**
 * Stops the start on an unusable {@code sentry-connect.http.proxy-address} or an {@code api-max-content-length} that
 * takes no answer: the clients are made at their first use, which would otherwise be the first link, long after the
 * operator looked at the start.
 */
@Singleton
final class HttpSettings implements StartCheck {
    private final HttpProperties properties;

    HttpSettings(HttpProperties properties) {
        this.properties = properties;
    }

    @Override
    public void verify() {
        PluginHttpClients.proxyAddress(properties);
        if (properties.apiMaxContentLength() <= 0) {
            throw new io.micronaut.context.exceptions.ConfigurationException("sentry-connect.http.api-max-content-length "
                    + "must be a positive size (e.g. 10MB), not " + properties.apiMaxContentLength() + " bytes");
        }
    }
}
