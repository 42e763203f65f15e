package io.sentryconnect.standin;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.List;

/**
 * Settings of the Sentry stand-in ({@code standin.*}). It is off unless {@code standin.enabled=true}, which only
 * the dev and test configurations set. A port of 0 picks a free port.
 *
 * @param enabled  whether the stand-in starts at all
 * @param host     host name the servers bind to and put in their URLs
 * @param port     port of the main origin (OAuth, control-silo API, {@code /_standin/} controls)
 * @param usPort   port of the {@code us} region origin
 * @param dePort   port of the {@code de} region origin
 * @param fixtures where the seeded data comes from: {@code classpath:…}, {@code file:…} or a plain file path
 * @param redirectUris redirect URIs the fixtures' OAuth client accepts besides its own, as if registered with Sentry:
 *                 a host that moves the plugin's connect endpoints registers its callback here
 *                 ({@code http://localhost/integrations/sentry/connect/callback}: a loopback URI without a port matches
 *                 any port)
 */
@ConfigurationProperties("sentry-connect.standin")
public record StandInConfiguration(
        @Bindable(defaultValue = "false") boolean enabled,
        @Bindable(defaultValue = "localhost") String host,
        @Bindable(defaultValue = "8090") int port,
        @Bindable(defaultValue = "8091") int usPort,
        @Bindable(defaultValue = "8092") int dePort,
        @Bindable(defaultValue = DEFAULT_FIXTURES) String fixtures,
        @Nullable List<String> redirectUris) {

    public static final String DEFAULT_FIXTURES = "classpath:standin/fixtures.json";

    public StandInConfiguration {
        redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
    }

    /** Enabled, on localhost, every origin on a free port, default fixtures: what tests without a context want. */
    public static StandInConfiguration ephemeral() {
        return new StandInConfiguration(true, "localhost", 0, 0, 0, DEFAULT_FIXTURES, List.of());
    }

    /** The same configuration with other fixtures. */
    public StandInConfiguration withFixtures(String location) {
        return new StandInConfiguration(enabled, host, port, usPort, dePort, location, redirectUris);
    }

    /** The same configuration with {@code uris} registered as further redirect URIs of the OAuth client. */
    public StandInConfiguration withRedirectUris(List<String> uris) {
        return new StandInConfiguration(enabled, host, port, usPort, dePort, fixtures, uris);
    }
}
