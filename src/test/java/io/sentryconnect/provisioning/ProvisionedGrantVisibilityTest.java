package io.sentryconnect.provisioning;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.GrantEvents;
import io.sentryconnect.support.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tenant's provisioned grant is the tenant's, not its provisioner's: its integration token acts for the whole
 * organization, so only tenant admins see and use it. The admin who provisioned it (its {@code user_id}) loses it with
 * the role, on every endpoint and in the events; an admin keeps it.
 */
@MicronautTest(environments = "test", transactional = false)
class ProvisionedGrantVisibilityTest extends ProvisioningTestBase {
    ProvisionedGrantVisibilityTest() {
        super(1);
    }

    @Test
    void theProvisionerWithoutTheAdminRoleNoLongerSeesOrUsesIt() {
        String tenant = tenant();
        Map<String, Object> grant = provisioned(admin(tenant), body("us", "web"));
        String id = (String) grant.get("id");
        String slug = (String) organization(grant).get("slug");
        String formerAdmin = driver.jwt(tenant, "admin-1");
        String base = serviceUrl() + "/api/v1/grants/" + id;

        assertEquals(404, new Http().get(base, Http.bearer(formerAdmin)).statusCode());
        assertEquals(404, proxy(formerAdmin, id, "organizations/" + slug + "/projects/").statusCode());
        assertEquals(404, new Http().postJson(base + "/check", "{}", Http.bearer(formerAdmin)).statusCode());
        assertEquals(404, new Http().delete(base, Http.bearer(formerAdmin)).statusCode());
        assertFalse(new Http().get(serviceUrl() + "/api/v1/grants", Http.bearer(formerAdmin)).body().contains(id));
        assertFalse(new Http().get(serviceUrl() + "/api/v1/grants?user_id=admin-1", Http.bearer(formerAdmin)).body().contains(id));
        assertTrue(GrantEvents.list(serviceUrl(), driver, formerAdmin, null).stream()
                .noneMatch(event -> String.valueOf(event).contains(id)), "nor its events");

        String anotherAdmin = driver.jwt(tenant, "admin-2", "tenant-admin");
        HttpResponse<String> shown = new Http().get(base, Http.bearer(anotherAdmin));
        assertEquals(200, shown.statusCode(), shown.body());
        assertEquals(200, proxy(anotherAdmin, id, "organizations/" + slug + "/projects/").statusCode());
        HttpResponse<String> checked = new Http().postJson(base + "/check", "{}", Http.bearer(anotherAdmin));
        assertEquals(200, checked.statusCode(), checked.body());
        assertTrue(GrantEvents.list(serviceUrl(), driver, anotherAdmin, null).stream()
                .anyMatch(event -> String.valueOf(event).contains(id)), "an admin reads its events");
    }
}
