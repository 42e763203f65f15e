package io.sentryconnect.provisioning;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The provisioning API refuses a body without agreement to the terms, invalid fields and a caller who is not a tenant admin, and sends nothing to Sentry. */
@MicronautTest(environments = "test", transactional = false)
class ProvisioningValidationTest extends ProvisioningTestBase {
    ProvisioningValidationTest() {
        super(2);
    }

    @Test
    void withoutAgreementToTheTermsItIs400AndNothingIsSentToSentry() {
        String tenant = tenant();
        for (Consumer<Map<String, Object>> change : List.<Consumer<Map<String, Object>>>of(
                b -> b.put("has_agreed_terms", false), b -> b.remove("has_agreed_terms"))) {
            Map<String, Object> body = body("us", "Backend");
            change.accept(body);
            assertProblem(provision(admin(tenant), body), 400, "terms_not_agreed", "has_agreed_terms");
        }
        assertEquals(0, provisioningCalls());
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void invalidFieldsAre400NamingTheFieldAndNothingIsSent() {
        String tenant = tenant();
        Map<String, Consumer<Map<String, Object>>> cases = new LinkedHashMap<>();
        cases.put("email", b -> b.put("email", "not-an-email"));
        cases.put("email ", b -> b.remove("email"));
        cases.put("organization_name", b -> b.put("organization_name", "x".repeat(51)));
        cases.put("organization_name ", b -> b.put("organization_name", "  "));
        cases.put("region", b -> b.put("region", "eu"));
        cases.put("region ", b -> b.remove("region"));
        cases.put("projects", b -> b.put("projects", List.of(Map.of("platform", "java"))));
        cases.put("projects ", b -> b.put("projects", List.of(Map.of("name", "Api", "platform", "Java 17"))));
        cases.forEach((field, change) -> {
            Map<String, Object> body = body("us", "Backend");
            change.accept(body);
            assertProblem(provision(admin(tenant), body), 400, "invalid_request", field.strip());
        });
        assertEquals(0, provisioningCalls());
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void membersOfTheWrongJsonTypeAre400NamingTheFieldWithoutEchoingItAndNothingIsSent() {
        String tenant = tenant();
        String echo = "echo-me-not-" + UUID.randomUUID();
        String projectsShape = "projects must be an array of objects, each with a name and an optional platform, both strings.";
        List<Object[]> cases = List.of(
                new Object[]{"email", 5, "email must be a string."},
                new Object[]{"email", List.of(echo + "@customer.example"), "email must be a string."},
                new Object[]{"email", Map.of("a", echo), "email must be a string."},
                new Object[]{"organization_name", 5, "organization_name must be a string."},
                new Object[]{"organization_name", List.of(echo), "organization_name must be a string."},
                new Object[]{"organization_name", true, "organization_name must be a string."},
                new Object[]{"region", List.of("us"), "region must be a string."},
                new Object[]{"region", 5, "region must be a string."},
                new Object[]{"projects", List.of(1), projectsShape},
                new Object[]{"projects", echo, projectsShape},
                new Object[]{"projects", Map.of("name", echo), projectsShape},
                new Object[]{"projects", List.of(List.of(echo)), projectsShape},
                new Object[]{"projects", List.of(Map.of("name", 5)), projectsShape},
                new Object[]{"projects", List.of(Map.of("name", List.of(echo))), projectsShape},
                new Object[]{"projects", List.of(Map.of("name", "Api", "platform", 5)), projectsShape},
                new Object[]{"projects", List.of(Map.of("name", "Api", "platform", List.of("java"))), projectsShape});
        for (Object[] c : cases) {
            Map<String, Object> body = body("us", "Backend");
            body.put((String) c[0], c[1]);
            var response = provision(admin(tenant), body);
            assertProblem(response, 400, "invalid_request", (String) c[0]);
            assertEquals(c[2], driver.map(response.body()).get("detail"), c[0] + " = " + c[1]);
            assertFalse(response.body().contains(echo), response.body());
        }
        assertEquals(0, provisioningCalls());
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void aNonAdminCallerIs403OnEveryPartnerEndpointAndNothingIsSent() {
        String tenant = tenant();
        String member = driver.jwt(tenant, "u1");
        assertProblem(provision(member, body("us", "Backend")), 403, "forbidden", null);
        assertProblem(new Http().get(serviceUrl() + "/api/v1/provisioning", Http.bearer(member)), 403, "forbidden", null);
        assertProblem(new Http().get(serviceUrl() + "/api/v1/partner/registration", Http.bearer(member)), 403, "forbidden", null);
        assertEquals(401, new Http().postJson(serviceUrl() + "/api/v1/provisioning", driver.toJson(body("us"))).statusCode());
        assertEquals(0, provisioningCalls());
        assertEquals(List.of(), grants(tenant));
        assertProblem(new Http().get(serviceUrl() + "/api/v1/provisioning", Http.bearer(admin(tenant))), 404, "not_provisioned", null);
    }
}
