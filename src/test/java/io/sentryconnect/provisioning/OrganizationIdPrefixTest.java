package io.sentryconnect.provisioning;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
