package io.sentryconnect.platform;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;
import io.sentryconnect.StartCheck;
import jakarta.inject.Singleton;

import java.util.Set;

/**
 * Stops the start when {@code sentry-connect.dev.token-endpoint} is on outside the {@code dev} and {@code test}
 * environments. {@code POST /dev/token} signs a platform token for any tenant and user it is asked for, with the
 * service's signing key: switched on in production by a stray property it would hand out every tenant's grants.
 */
@Singleton
@Requires(property = "sentry-connect.dev.token-endpoint", value = "true")
final class DevTokenSettings implements StartCheck {
    static final Set<String> ENVIRONMENTS = Set.of(Environment.DEVELOPMENT, Environment.TEST);
    private final Environment environment;

    DevTokenSettings(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void verify() {
        check(environment.getActiveNames());
    }

    static void check(Set<String> activeEnvironments) {
        if (activeEnvironments.stream().noneMatch(ENVIRONMENTS::contains)) {
            throw new ConfigurationException("sentry-connect.dev.token-endpoint is true outside the dev and test "
                    + "environments (active: " + (activeEnvironments.isEmpty() ? "none" : String.join(", ", activeEnvironments))
                    + "): POST /dev/token signs a platform token for any tenant. Remove the setting, or start with "
                    + "micronaut.environments=dev.");
        }
    }
}
