package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

import java.util.Map;

/** {@code micronaut.security.oauth2.enabled: false}: the host has no OAuth login of its own. */
@MicronautTest(environments = "test", transactional = false)
class HostOAuth2DisabledTest extends HostOAuthSwitchedOff {
    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("micronaut.security.oauth2.enabled", "false");
    }
}
