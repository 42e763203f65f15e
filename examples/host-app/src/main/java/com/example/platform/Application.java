package com.example.platform;

import io.micronaut.runtime.Micronaut;

/** Example Platform's backend: accounts, their events, a JWT login, and (package {@code sentry}) "Connect to Sentry". */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
