package io.sentryconnect.token;

import io.micronaut.security.oauth2.client.clientcredentials.ClientCredentialsConfiguration;
import io.micronaut.security.oauth2.configuration.OauthClientConfiguration;
import io.micronaut.security.oauth2.configuration.OpenIdClientConfiguration;
import io.micronaut.security.oauth2.configuration.endpoints.OauthAuthorizationEndpointConfiguration;
import io.micronaut.security.oauth2.configuration.endpoints.SecureEndpointConfiguration;
import io.micronaut.security.oauth2.endpoint.AuthenticationMethod;
import io.micronaut.security.oauth2.grants.GrantType;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * The plugin's OAuth client for Sentry, in micronaut-security-oauth2's terms, built from {@code sentry-connect.sentry.*}.
 * It is deliberately not a bean of type {@link OauthClientConfiguration}: the module creates a login client (and,
 * with a login handler, login routes) for every such bean, which would be a side effect in the host.
 */
@Singleton
public final class SentryClientRegistration {
    /** The name micronaut-security-oauth2 sees; it never looks it up in configuration. */
    static final String NAME = "sentry-connect";
    private final OauthClientConfiguration configuration;

    SentryClientRegistration(SentryProperties sentry) {
        this.configuration = new Configuration(sentry);
    }

    /** The client as micronaut-security-oauth2's token endpoint client takes it. */
    public OauthClientConfiguration configuration() {
        return configuration;
    }

    private record Configuration(SentryProperties sentry) implements OauthClientConfiguration {
        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public String getClientId() {
            return sentry.clientId();
        }

        @Override
        public String getClientSecret() {
            return sentry.clientSecret() == null ? null : sentry.clientSecret().reveal();
        }

        @Override
        public List<String> getScopes() {
            return sentry.defaultScopes();
        }

        @Override
        public GrantType getGrantType() {
            return GrantType.AUTHORIZATION_CODE;
        }

        @Override
        public Optional<SecureEndpointConfiguration> getToken() {
            String method = sentry.tokenAuthMethod();
            return Optional.of(new SecureEndpointConfiguration() {
                @Override
                public Optional<AuthenticationMethod> getAuthMethod() {
                    return Optional.of(AuthenticationMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT)));
                }

                @Override
                public Optional<String> getAuthenticationMethod() {
                    return Optional.of(method);
                }

                @Override
                public Optional<String> getUrl() {
                    return Optional.of(sentry.tokenUrl().toString());
                }
            });
        }

        @Override
        public Optional<OauthAuthorizationEndpointConfiguration> getAuthorization() {
            return Optional.of(new OauthAuthorizationEndpointConfiguration() {
                @Override
                public Optional<String> getCodeChallengeMethod() {
                    return Optional.of("S256");
                }

                @Override
                public Optional<String> getUrl() {
                    return Optional.of(sentry.authorizationUrl().toString());
                }
            });
        }

        @Override
        public Optional<ClientCredentialsConfiguration> getClientCredentials() {
            return Optional.empty();
        }

        @Override
        public Optional<SecureEndpointConfiguration> getIntrospection() {
            return Optional.empty();
        }

        @Override
        public Optional<SecureEndpointConfiguration> getRevocation() {
            return Optional.empty();
        }

        @Override
        public Optional<OpenIdClientConfiguration> getOpenid() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "SentryClientRegistration[clientId=" + sentry.clientId() + ", secret=[redacted]]";
        }
    }
}
