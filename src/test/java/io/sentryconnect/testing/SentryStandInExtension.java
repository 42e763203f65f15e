package io.sentryconnect.testing;

import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.standin.StandInConfiguration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JUnit 5 side of {@link SentryStandInTest}: one stand-in per test class, its URLs handed to the application
 * context through system properties (which Micronaut reads as configuration), cleared again afterwards.
 */
public final class SentryStandInExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    /** The stand-in's own OAuth client (its fixtures): published development values, never for production. */
    public static final String CLIENT_ID = "sentry-connect-dev";
    public static final String CLIENT_SECRET = "standin-dev-secret-not-for-production";
    private static volatile SentryStandIn current;

    @Override
    public void beforeAll(ExtensionContext context) {
        List<String> redirectUris = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, SentryStandInTest.class))
                .map(a -> List.of(a.redirectUris())).orElse(List.of());
        SentryStandIn standIn = new SentryStandIn(StandInConfiguration.ephemeral().withRedirectUris(redirectUris),
                Clock.systemUTC());
        standIn.start();
        current = standIn;
        properties(standIn).forEach(System::setProperty);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        SentryStandIn standIn = current;
        if (standIn != null) {
            properties(standIn).keySet().forEach(System::clearProperty);
            standIn.close();
            current = null;
        }
    }

    /** The configuration that points the plugin at {@code standIn}. */
    public static Map<String, String> properties(SentryStandIn standIn) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.putAll(standIn.pluginProperties());
        properties.put("sentry-connect.sentry.client-id", CLIENT_ID);
        properties.put("sentry-connect.sentry.client-secret", CLIENT_SECRET);
        return properties;
    }

    /** The stand-in of the running test class. */
    public static SentryStandIn standIn() {
        SentryStandIn standIn = current;
        if (standIn == null) {
            throw new IllegalStateException("No stand-in is running: annotate the test class with @SentryStandInTest");
        }
        return standIn;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SentryStandIn.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return standIn();
    }
}
