package io.sentryconnect.testing;

import io.micronaut.context.ApplicationContext;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import io.sentryconnect.token.SentryProperties;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a host's test gets from {@code @SentryStandInTest}: a running stand-in, and configuration pointing at it. */
@SentryStandInTest
class SentryStandInExtensionTests {

    @Test
    void aContextStartedInTheTestClassIsConfiguredForTheRunningStandIn(SentryStandIn standIn) {
        HttpResponse<String> fixtures = new Http().get(standIn.baseUrl() + "/_standin/fixtures");
        assertEquals(200, fixtures.statusCode());
        assertTrue(fixtures.body().contains("acme"), fixtures.body());
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                // Without the standalone service's application.yml, which is on this project's classpath but in no
                // host's; system properties, where the extension puts the stand-in's URLs, are read as a host reads them.
                .enableDefaultPropertySources(false)
                .propertySources(new io.micronaut.context.env.SystemPropertiesPropertySource())
                .properties(hostConfiguration())
                .start()) {
            SentryProperties sentry = context.getBean(SentryProperties.class);
            assertEquals(standIn.baseUrl(), sentry.baseUrl());
            assertEquals(SentryStandInExtension.CLIENT_ID, sentry.clientId());
        }
        assertEquals(standIn, SentryStandInExtension.standIn());
    }

    /** What any host has: a datasource and its own JWT signature; nothing about Sentry. */
    private static java.util.Map<String, Object> hostConfiguration() {
        java.util.Map<String, Object> properties = new java.util.HashMap<>(io.sentryconnect.support.TestDatabase.properties());
        properties.put("micronaut.security.token.jwt.signatures.secret.platform.secret", "a-host-secret-0123456789abcdef-0123456789abcdef");
        properties.put("sentry-connect.public-url", "https://platform.example");
        properties.put("sentry-connect.encryption.primary-key-id", 1);
        properties.put("sentry-connect.encryption.keys.1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        properties.put("sentry-connect.refresh.background.enabled", false);
        return properties;
    }
}
