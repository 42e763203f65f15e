package io.sentryconnect.support;

import io.micronaut.runtime.Micronaut;
import io.sentryconnect.standalone.Application;

/**
 * The service as a process of its own, configured entirely by system properties ({@code -Ddatasources.default.url=…}).
 * {@link Application#main} is not used because its database resolution always picks schema {@code sentry_connect},
 * while tests and benchmarks need their own throw-away schema.
 */
public final class ServiceMain {
    private ServiceMain() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(Application.class).start();
    }
}
