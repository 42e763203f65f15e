package io.sentryconnect.platform;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A host whose bearer tokens come in a header of its own ({@code micronaut.security.token.bearer.header-name}): the
 * plugin's API takes its caller from that header, as the framework does, not only from {@code Authorization}.
 */
@MicronautTest(environments = "test", transactional = false)
@Property(name = "micronaut.security.token.bearer.header-name", value = "X-Platform-Token")
class RenamedTokenHeaderTest extends ServiceTest {

    @Test
    void theHostsOwnTokenHeaderNamesTheCaller() {
        String jwt = driver.jwt("t-renamed", "u1");
        HttpResponse<String> me = new Http().get(serviceUrl() + "/api/v1/me", "X-Platform-Token", "Bearer " + jwt);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("t-renamed", driver.map(me.body()).get("tenant_id"));
    }
}
