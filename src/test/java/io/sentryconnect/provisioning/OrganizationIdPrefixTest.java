package io.sentryconnect.provisioning;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.sentryconnect.support.PluginProperties;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sentry-connect.partner.organization-id-prefix}: Sentry's provisioning is idempotent on {@code organizationID},
 * so two deployments sharing a partner channel and tenant ids (staging and production) would get one organization;
 * with a prefix of its own each deployment provisions its own, and a repeat still finds the same one.
 */
@MicronautTest(environments = "test", transactional = false)
@Property(name = "sentry-connect.partner.organization-id-prefix", value = "staging:")
class OrganizationIdPrefixTest extends ProvisioningTestBase {
    OrganizationIdPrefixTest() {
        super(1);
    }

    @Test
    void theOrganizationIdSentToSentryCarriesThePrefix() {
        String tenant = tenant();
        HttpResponse<String> first = provision(serviceUrl(), admin(tenant), body("us", "web"));
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(List.of(), atSentry(tenant), "not the bare tenant id");
        List<Map<String, Object>> provisioned = atSentry("staging:" + tenant);
        assertEquals(1, provisioned.size(), standIn.provisioned().toString());
        HttpResponse<String> again = provision(serviceUrl(), admin(tenant), body("us", "web"));
        assertEquals(driver.map(first.body()).get("id"), driver.map(again.body()).get("id"), again.body());
        assertEquals(1, atSentry("staging:" + tenant).size(), "the same organization again");
    }

    /** A tenant id the platform accepts (up to 255 characters) that the prefix pushes past Sentry's bound. */
    @Test
    void anOrganizationIdPastSentrysBoundIsRefusedBeforeAnythingIsSent() {
        String tenant = tenant();
        String longTenant = tenant + "x".repeat(255 - tenant.length());
        long calls = provisioningCalls();
        HttpResponse<String> refused = provision(serviceUrl(), admin(longTenant), body("us", "web"));
        assertProblem(refused, 502, "provisioning_rejected", null);
        assertTrue(refused.body().contains("nothing was sent to Sentry"), refused.body());
        assertEquals(calls, provisioningCalls(), "no provisioning call reached Sentry");
        assertEquals(List.of(), grants(longTenant), "nothing recorded");
    }

    @Test
    void aPrefixThatLeavesTheTenantIdTooLittleRoomOrHoldsSpacesStopsTheStart() {
        PartnerSettings.check("staging:");
        PartnerSettings.check("");
        String tooLong = assertThrows(ConfigurationException.class, () -> PartnerSettings.check("p".repeat(65))).getMessage();
        assertTrue(tooLong.startsWith("sentry-connect.partner.organization-id-prefix is 65 characters long: at most 64"), tooLong);
        assertThrows(ConfigurationException.class, () -> PartnerSettings.check("prod eu:"));
        assertThrows(ConfigurationException.class, () -> PartnerSettings.check("prod\teu:"));
        assertThrows(ConfigurationException.class, () -> PartnerSettings.check("pröd:"));

        Map<String, Object> properties = PluginProperties.complete(2);
        properties.put("sentry-connect.partner.organization-id-prefix", "prod eu:");
        RuntimeException stopped = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ignored = ApplicationContext.builder().deduceEnvironment(false)
                    .enableDefaultPropertySources(false).properties(properties).start()) {
                throw new AssertionError("started with a prefix that holds a space");
            }
        });
        assertTrue(String.valueOf(stopped.getMessage()).startsWith("sentry-connect.partner.organization-id-prefix may hold"),
                stopped.getMessage());
    }
}
