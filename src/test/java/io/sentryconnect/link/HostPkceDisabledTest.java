package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

import java.util.Map;

/** {@code micronaut.security.oauth2.pkce.enabled: false}: the host's login without PKCE. */
@MicronautTest(environments = "test", transactional = false)
class HostPkceDisabledTest extends HostOAuthSwitchedOff {
    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("micronaut.security.oauth2.pkce.enabled", "false");
    }
}
