package io.sentryconnect.token;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import io.sentryconnect.StartCheck;
import io.sentryconnect.SentryConnectProperties;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Stops the start when a setting without a possible default is missing, with one message that names the key and what
 * to put there, before any request could fail on it later with a less helpful error (on the start-up event, and
 * before the plugin's migrations: {@link StartCheck}).
 */
@Singleton
@Requires(property = "sentry-connect.enabled", notEquals = "false")
final class RequiredSettings implements StartCheck {
    private static final String NETTY_CLIENT = "io.micronaut.http.client.netty.DefaultHttpClient";
    /**
     * The variables the standalone service's own {@code application.yml} reads these keys from (the plugin's jar has no
     * such file: in a host, Micronaut's own mapping of the key applies, e.g. {@code SENTRY_CONNECT_SENTRY_CLIENT_ID}).
     */
    private static final Map<String, String> STANDALONE_VARIABLES = Map.of(
            "sentry-connect.sentry.client-id", "SENTRY_CLIENT_ID",
            "sentry-connect.sentry.client-secret", "SENTRY_CLIENT_SECRET",
            "sentry-connect.encryption.keys", "SENTRY_CONNECT_KEY_1",
            "sentry-connect.encryption.primary-key-id", "SENTRY_CONNECT_PRIMARY_KEY_ID");
    private final BeanContext context;
    private final boolean standalone;

    RequiredSettings(BeanContext context, @Value("${sentry-connect.standalone:false}") boolean standalone) {
        this.context = context;
        this.standalone = standalone;
    }

    @Override
    public void verify() {
        requireHttpClient(context.getClassLoader());
        check(context.getBean(SentryConnectProperties.class), context.getBean(SentryProperties.class),
                context.getBean(EncryptionProperties.class), standalone);
        try {
            context.getBean(TokenCipher.class);
        } catch (RuntimeException e) {
            // Unusable key material: TokenCipher says which key and why; pass its message on unwrapped.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConfigurationException configuration) {
                    throw new ConfigurationException(configuration.getMessage());
                }
            }
            throw e;
        }
    }

    /**
     * The host's build decides scopes: a host that declares micronaut-http-client for its tests only takes the
     * plugin's copy off the runtime classpath (Maven's nearest declaration wins), and the plugin would start healthy
     * and then fail at every call to Sentry.
     */
    static void requireHttpClient(ClassLoader classLoader) {
        try {
            Class.forName(NETTY_CLIENT, false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigurationException("sentry-connect calls Sentry with micronaut-http-client, which is not on the "
                    + "runtime classpath: declare io.micronaut:micronaut-http-client in compile scope (a test-scoped "
                    + "declaration in the host's build takes the plugin's copy away).");
        }
    }

    static void check(SentryConnectProperties plugin, SentryProperties sentry, EncryptionProperties encryption, boolean standalone) {
        if (plugin.publicUrl() == null || plugin.publicUrl().toString().isBlank()) {
            throw missing(standalone, "sentry-connect.public-url", "the URL where browsers reach this service, e.g. https://platform.example");
        }
        String scheme = plugin.publicUrl().getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || plugin.publicUrl().getHost() == null) {
            throw new ConfigurationException("sentry-connect.public-url must be an absolute http(s) URL, e.g. https://platform.example");
        }
        if (sentry.clientId() == null || sentry.clientId().isBlank()) {
            throw missing(standalone, "sentry-connect.sentry.client-id", "the client id of your Sentry OAuth application");
        }
        if (sentry.clientSecret() == null || sentry.clientSecret().reveal().isBlank()) {
            throw missing(standalone, "sentry-connect.sentry.client-secret", "the client secret of your Sentry OAuth application, "
                    + "from the environment or a secret store");
        }
        URI base = sentry.baseUrl();
        if (base == null || base.getHost() == null
                || !"https".equalsIgnoreCase(base.getScheme()) && !"http".equalsIgnoreCase(base.getScheme())) {
            throw new ConfigurationException("sentry-connect.sentry.base-url must be an absolute http(s) URL such as "
                    + "https://sentry.io or https://sentry.example.com, not " + base);
        }
        sentry.discoveryOrigins(); // a region URL off the Sentry host stops the start, naming the key
        if (!SentryProperties.readsOrganization(sentry.defaultScopes())) {
            throw new ConfigurationException("sentry-connect.sentry.default-scopes must include org:read (or org:write "
                    + "or org:admin): right after the authorization the service reads the token's organization with it, "
                    + "and Sentry refuses that without one of them");
        }
        if (encryption.keys() == null || encryption.keys().isEmpty()) {
            // (Entries left empty by unset variables are named by TokenCipher's own check, which comes next.)
            throw missing(standalone, "sentry-connect.encryption.keys", "a map of key id to a base64 AES-256 key (32 random bytes), "
                    + "e.g. sentry-connect.encryption.keys.1, from a secret store");
        }
        if (encryption.primaryKeyId() == null) {
            throw missing(standalone, "sentry-connect.encryption.primary-key-id", "the id of the key that encrypts new tokens, one of "
                    + encryption.keys().keySet());
        }
    }

    private static ConfigurationException missing(boolean standalone, String key, String what) {
        String variable = variable(standalone, key);
        return new ConfigurationException(key + " is not set: set it to " + what + (variable == null ? "." : " (" + variable + ")."));
    }

    /**
     * Where an operator who configures by environment puts the key, or null for the map of keys in a host, whose
     * entries are named in the host's yml (README: a variable alone is not read as a map entry there).
     */
    static String variable(boolean standalone, String key) {
        String own = standalone ? STANDALONE_VARIABLES.get(key) : null;
        if (own != null) {
            return "the standalone service reads it from the environment variable " + own;
        }
        if (key.endsWith(".keys")) {
            return null;
        }
        return "or the environment variable " + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
