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
    @SuppressWarnings("unchecked")
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

        // Nor may the provisioner's own OAuth link of that organization write that user's tokens into the tenant's grant.
        byte[] integrationToken = (byte[]) grants(tenant).get(0).get("access_token");
        Map<String, Object> atSentry = atSentry(tenant).get(0);
        String sentryUser = String.valueOf(((java.util.List<Map<String, Object>>) atSentry.get("members")).get(0).get("user_id"));
        HttpResponse<String> linked = driver.link(formerAdmin, sentryUser, slug);
        String linkedId = io.sentryconnect.support.LinkDriver.query(io.sentryconnect.support.LinkDriver.location(linked)).get("grant_id");
        assertTrue(linkedId != null && !linkedId.equals(id), "a grant of the user's own: " + io.sentryconnect.support.LinkDriver.location(linked));
        Map<String, Object> provisionedRow = grants(tenant).stream().filter(row -> id.equals(String.valueOf(row.get("id")))).findFirst().orElseThrow();
        assertEquals("provisioned", provisionedRow.get("kind"));
        assertEquals(null, provisionedRow.get("refresh_token"), "no OAuth tokens in the tenant's grant");
        assertTrue(java.util.Arrays.equals(integrationToken, (byte[]) provisionedRow.get("access_token")), "its token unchanged");

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
