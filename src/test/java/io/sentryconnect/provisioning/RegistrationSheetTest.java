package io.sentryconnect.provisioning;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The partner registration sheet lists what to register with Sentry, from the configuration, without any secret. */
@MicronautTest(environments = "test", transactional = false)
class RegistrationSheetTest extends ProvisioningTestBase {
    RegistrationSheetTest() {
        super(2);
    }

    @Test
    void theRegistrationSheetListsTheConfiguredValues() {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/api/v1/partner/registration", Http.bearer(admin(tenant())));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> sheet = driver.map(response.body());
        assertEquals("Sentry Connect (test)", sheet.get("client_name"));
        assertEquals(List.of(serviceUrl() + "/connect/sentry/callback"), sheet.get("redirect_uris"));
        assertEquals(List.of("https://platform.example"), sheet.get("allowed_origins"));
        assertEquals("https://platform.example/", sheet.get("home_page_url"));
        assertEquals("https://platform.example/privacy", sheet.get("privacy_policy_url"));
        assertEquals("https://platform.example/terms", sheet.get("terms_url"));
        assertEquals(List.of("org:read", "project:read", "team:read", "member:read", "event:read", "event:write",
                "project:releases"), sheet.get("required_scopes"));
        assertFalse(response.body().contains(PARTNER_SECRET) || response.body().contains("standin-dev-secret"), response.body());
    }
}
