package io.sentryconnect;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.net.URI;

/**
 * {@code sentry-connect.*}: the switch for the whole plugin and the one address it cannot guess. Every other setting
 * lives in the properties type of the package that uses it, each with its default in code.
 *
 * @param enabled   {@code false} switches every bean of the plugin off
 * @param publicUrl where browsers and the host platform reach this service (the host application's own URL when
 *                  embedded); required: link URLs, the OAuth redirect URI and reconnect links are built from it
 * @param standalone set by the standalone service's own configuration (never by a host): every route is the
 *                   plugin's, so every error is its problem+json and unexpected failures are logged by it
 */
@ConfigurationProperties("sentry-connect")
public record SentryConnectProperties(@Bindable(defaultValue = "true") boolean enabled, @Nullable URI publicUrl,
                                      @Bindable(defaultValue = "false") boolean standalone) {
    /** The public URL without a trailing slash. */
    public String base() {
        String url = publicUrl == null ? "" : publicUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
