package io.sentryconnect;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Runs every {@link StartCheck} on the start-up event rather than in a bean's constructor: a failing constructor
 * reaches the operator wrapped in "Error instantiating bean" lines, an exception from a start-up listener as it is,
 * the setting's key first. First of all start-up listeners: before the plugin's migration, the scheduler's jobs and
 * the host's own listeners.
 */
@Singleton
@Order(Ordered.HIGHEST_PRECEDENCE)
@Requires(property = "sentry-connect.enabled", notEquals = "false")
final class StartChecks implements ApplicationEventListener<StartupEvent> {
    private final List<StartCheck> checks;

    StartChecks(List<StartCheck> checks) {
        this.checks = checks;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        checks.forEach(StartCheck::verify);
    }
}
