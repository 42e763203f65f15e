package io.sentryconnect.demo;

import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Without {@code sentry-connect.demo.enabled} (production, and the test configuration) nothing of the demo exists. */
@MicronautTest(environments = "test", transactional = false)
class DemoDisabledTest extends IntegrationTest {
    private final Http http = new Http();
    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("datasources.default.maximum-pool-size", "2");
    }

    @Test
    void withoutTheSettingThereIsNoDemoPageNoRedirectAndNoRevokeControl() {
        for (String path : List.of("/", "/demo", "/demo/assets/demo.js", "/demo/api/config")) {
            assertEquals(404, http.get(serviceUrl() + path).statusCode(), path);
        }
        String jwt = new LinkDriver(serviceUrl(), standIn, json).jwt("t1", "u1");
        assertEquals(404, http.postJson(serviceUrl() + "/demo/api/standin/revoke", "{\"user_id\":\"1\",\"org_slug\":\"acme\"}",
                Http.bearer(jwt)).statusCode());
    }
}
