package io.sentryconnect;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Where the plugin's meters go: the host's registry when it has one (micronaut-micrometer), otherwise a private
 * in-memory one. The plugin does not bring micronaut-micrometer itself: its web and JVM binders would start timing
 * and exposing the host's own requests.
 */
@Singleton
public final class PluginMetrics {
    private final MeterRegistry registry;

    PluginMetrics(Optional<MeterRegistry> host) {
        this.registry = host.orElseGet(SimpleMeterRegistry::new);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
