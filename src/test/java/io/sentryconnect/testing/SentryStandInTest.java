package io.sentryconnect.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a test class against a Sentry stand-in of its own, started on free ports before the application context:
 * {@code sentry-connect.sentry.base-url}, {@code client-id} and {@code client-secret} point at it. Put it before
 * {@code @MicronautTest}, so that it runs first; reach the stand-in with a {@code SentryStandIn} test-method parameter
 * or {@link SentryStandInExtension#standIn()}. A host that moves the plugin's {@code connect} endpoints names its callback
 * in {@link #redirectUris()}, as it registers it with Sentry.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(SentryStandInExtension.class)
public @interface SentryStandInTest {
    /**
     * Redirect URIs the stand-in's OAuth client accepts besides {@code http://localhost/connect/sentry/callback}, e.g.
     * {@code http://localhost/integrations/sentry/connect/callback} (a loopback URI without a port matches any port).
     */
    String[] redirectUris() default {};
}
