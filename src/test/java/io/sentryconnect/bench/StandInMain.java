package io.sentryconnect.bench;

import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.standin.StandInConfiguration;

import java.io.IOException;
import java.time.Clock;

/**
 * The Sentry stand-in as a process of its own on free loopback ports. Prints its base URL and its {@code us} and
 * {@code de} region URLs on one line, then serves until its standard input closes (so it never outlives the benchmark that started it).
 */
public final class StandInMain {
    private StandInMain() {
    }

    public static void main(String[] args) throws IOException {
        SentryStandIn standIn = new SentryStandIn(StandInConfiguration.ephemeral(), Clock.systemUTC());
        standIn.start();
        System.out.println("STANDIN " + standIn.baseUrl() + " " + standIn.regionUrl("us") + " " + standIn.regionUrl("de"));
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our stdin or dies
        }
        standIn.close();
    }
}
