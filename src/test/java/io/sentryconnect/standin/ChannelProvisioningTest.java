package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelProvisioningTest {

    static final String CHANNEL = "sentry-connect-dev";
    static final String PARTNER_SECRET = "standin-partner-secret-not-for-production";

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private Map<String, Object> body(String organizationId, String region, List<Map<String, Object>> projects) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", CHANNEL);
        body.put("email", "owner@customer.example");
        body.put("organizationName", "Customer & Co. GmbH");
        body.put("organizationID", organizationId);
        body.put("hasAgreedTerms", true);
        body.put("timestamp", h.clock.instant().getEpochSecond());
        body.put("url", h.standIn.baseUrl() + ChannelProvisioning.PATH);
        body.put("projects", projects);
        body.put("region", region);
        body.put("isTest", true);
        return body;
    }

    private String json(Object value) {
        try {
            return h.mapper.writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sends {@code raw} exactly, signed with {@code secret} over {@code signed}. */
    private HttpResponse<String> send(String raw, String signed, String secret) {
        String signature = ChannelProvisioning.hmacHex(secret, signed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return h.send("POST", h.main(ChannelProvisioning.PATH), raw, "Content-Type", "application/json",
                "X-Request-Signature", signature);
    }

    private HttpResponse<String> provision(Map<String, Object> body) {
        String raw = json(body);
        return send(raw, raw, PARTNER_SECRET);
    }

    private static Map<String, Object> project(String name, String platform) {
        return Map.of("name", name, "platform", platform);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectAt(Map<String, Object> map, String key) {
        return (Map<String, Object>) map.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listAt(Map<String, Object> map, String key) {
        return (List<Map<String, Object>>) map.get(key);
    }

    @Test
    void provisioningCreatesTheOrganizationInItsRegionWithProjectsDsnsAndAWorkingIntegrationToken() {
        HttpResponse<String> response = provision(body("tenant-1", "de", List.of(project("Web Shop", "javascript"),
                project("Billing API", "python"))));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> result = h.object(response);
        assertEquals("owner@customer.example", result.get("email"));
        Map<String, Object> org = objectAt(result, "organization");
        assertEquals("customer-co-gmbh", org.get("slug"));
        assertEquals("Customer & Co. GmbH", org.get("name"));
        List<Map<String, Object>> projects = listAt(result, "projects");
        assertEquals(2, projects.size());
        String dsn = (String) projects.get(0).get("dsn");
        assertTrue(dsn.matches("http://[0-9a-f]{32}@localhost:" + h.standIn.regionUrl("de").getPort() + "/\\d+"), dsn);
        assertEquals("web-shop", objectAt(projects.get(0), "project").get("slug"));
        assertEquals("javascript", objectAt(projects.get(0), "project").get("platform"));

        String token = (String) result.get("integration_api_token");
        List<Object> orgs = h.array(h.apiGet(h.de("/api/0/organizations/"), token));
        assertEquals(1, orgs.size(), "the token sees its organization only");
        @SuppressWarnings("unchecked")
        Map<String, Object> listed = (Map<String, Object>) orgs.get(0);
        assertEquals(org.get("id"), listed.get("id"));
        assertEquals(h.standIn.regionUrl("de").toString(), objectAt(listed, "links").get("regionUrl"));
        HttpResponse<String> onRegion = h.apiGet(h.de("/api/0/organizations/customer-co-gmbh/projects/"), token);
        assertEquals(200, onRegion.statusCode(), onRegion.body());
        assertEquals(2, h.array(onRegion).size());
        assertEquals(404, h.apiGet(h.us("/api/0/organizations/customer-co-gmbh/"), token).statusCode(), "not in us");
        @SuppressWarnings("unchecked")
        List<String> scopes = (List<String>) objectAt(h.object(h.apiGet(h.main("/api/0/"), token)), "auth").get("scopes");
        assertEquals(List.of("event:read", "event:write", "member:read", "org:read", "project:read", "project:releases",
                "project:write", "team:read"), scopes, "the scope hierarchy added and sorted, as for every token");
        assertEquals(403, h.apiGet(h.us("/api/0/organizations/acme/"), token).statusCode(), "other organizations refused");
    }

    @Test
    void theIntegrationsUserHoldsEveryProjectAsAMemberAndTheProjectsSitInTheOrganizationsTeam() {
        // src/sentry/auth/access.py: a Sentry app's proxy user gets OrganizationGlobalMembership, so the issue list
        // without project covers every project (a paginated answer, not the [] of a user in no team).
        Map<String, Object> result = h.object(provision(body("tenant-11", "de", List.of(project("Web Shop", "javascript"),
                project("Billing API", "python")))));
        String token = (String) result.get("integration_api_token");
        HttpResponse<String> issues = h.apiGet(h.de("/api/0/organizations/customer-co-gmbh/issues/"), token);
        assertEquals(200, issues.statusCode(), issues.body());
        assertTrue(issues.headers().firstValue("Link").isPresent(), "its projects were chosen");
        HttpResponse<String> team = h.apiGet(h.de("/api/0/teams/customer-co-gmbh/customer-co-gmbh/projects/"), token);
        assertEquals(200, team.statusCode(), team.body());
        assertEquals(List.of("billing-api", "web-shop"), h.array(team).stream().map(p -> ((Map<?, ?>) p).get("slug")).toList());
    }

    @Test
    void integrationTokensAreNotOrgScopedSoTheIndexAndUserEndpointsAnswerThem() {
        Map<String, Object> result = h.object(provision(body("tenant-9", "de", List.of())));
        String token = (String) result.get("integration_api_token");

        HttpResponse<String> index = h.apiGet(h.main("/api/0/"), token);
        assertEquals(200, index.statusCode(), index.body());
        assertEquals(h.standIn.provisioned().get(0).get("integration_user_id"), objectAt(h.object(index), "user").get("id"),
                "the integration's proxy user");
        HttpResponse<String> regions = h.apiGet(h.main("/api/0/users/me/regions/"), token);
        assertEquals(200, regions.statusCode(), regions.body());
        assertEquals(List.of(Map.of("name", "de", "url", h.standIn.regionUrl("de").toString())),
                h.object(regions).get("regions"));
        HttpResponse<String> otherOrg = h.apiGet(h.us("/api/0/organizations/acme/"), token);
        assertEquals(403, otherOrg.statusCode(), "membership, not the org-scoped rule, keeps it out: " + otherOrg.body());
    }

    @Test
    void aRepeatWithTheSameOrganizationIdReturnsTheSameOrganizationAndTokenAndAddsOnlyNewProjects() {
        Map<String, Object> first = h.object(provision(body("tenant-2", "us", List.of(project("Backend", "java")))));
        Map<String, Object> again = body("tenant-2", "de", List.of(project("Backend", "java"), project("Mobile", "android")));
        again.put("organizationName", "Renamed");
        HttpResponse<String> response = provision(again);
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> second = h.object(response);
        assertEquals(objectAt(first, "organization"), objectAt(second, "organization"), "same organization, name kept");
        assertEquals(first.get("integration_api_token"), second.get("integration_api_token"));
        assertEquals(List.of("backend", "mobile"), listAt(second, "projects").stream()
                .map(p -> objectAt(p, "project").get("slug")).toList());
        assertEquals(listAt(first, "projects").get(0).get("dsn"), listAt(second, "projects").get(0).get("dsn"));
        assertEquals(1, h.standIn.provisioned().size());
        assertEquals("us", objectAt(h.standIn.provisioned().get(0), "organization").get("region"), "region kept");

        Map<String, Object> other = h.object(provision(body("tenant-3", "us", List.of())));
        assertNotEquals(objectAt(first, "organization").get("id"), objectAt(other, "organization").get("id"));
        assertEquals("customer-co-gmbh-2", objectAt(other, "organization").get("slug"), "slugs stay unique");
    }

    @Test
    void aBadSignatureIs401AndCreatesNothing() {
        String raw = json(body("tenant-4", "us", List.of()));
        String respaced = raw.replace(",", ", ");
        for (HttpResponse<String> response : List.of(
                send(raw, raw, "not-the-partner-secret"),
                send(respaced, raw, PARTNER_SECRET),
                h.send("POST", h.main(ChannelProvisioning.PATH), raw, "Content-Type", "application/json"))) {
            assertEquals(401, response.statusCode(), response.body());
            assertEquals(Map.of("detail", "Invalid request signature."), h.object(response));
        }
        Map<String, Object> otherChannel = body("tenant-4", "us", List.of());
        otherChannel.put("channel", "someone-else");
        assertEquals(401, provision(otherChannel).statusCode(), "signed by one partner, claiming another's channel");
        assertEquals(List.of(), h.standIn.provisioned());
    }

    @Test
    void aSignatureInUpperCaseHexIsAccepted() {
        String raw = json(body("tenant-5", "us", List.of()));
        String signature = ChannelProvisioning.hmacHex(PARTNER_SECRET, raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> response = h.send("POST", h.main(ChannelProvisioning.PATH), raw,
                "Content-Type", "application/json", "X-Request-Signature", signature.toUpperCase(java.util.Locale.ROOT));
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void aTimestampMoreThanFiveMinutesOffIs400() {
        Map<String, Object> body = body("tenant-6", "us", List.of());
        h.clock.advance(Duration.ofMinutes(5).plusSeconds(2));
        HttpResponse<String> old = provision(body);
        assertEquals(400, old.statusCode(), old.body());
        assertTrue(h.object(old).containsKey("timestamp"), old.body());
        Map<String, Object> future = body("tenant-6", "us", List.of());
        future.put("timestamp", h.clock.instant().plus(Duration.ofMinutes(6)).getEpochSecond());
        assertEquals(400, provision(future).statusCode());
        assertEquals(List.of(), h.standIn.provisioned());
    }

    @Test
    void missingOrInvalidFieldsAre400NamingTheField() {
        Map<String, Consumer<Map<String, Object>>> cases = new LinkedHashMap<>();
        cases.put("email", b -> b.remove("email"));
        cases.put("email ", b -> b.put("email", "not-an-email"));
        cases.put("organizationName", b -> b.put("organizationName", "x".repeat(51)));
        cases.put("organizationName ", b -> b.remove("organizationName"));
        cases.put("organizationID", b -> b.remove("organizationID"));
        cases.put("hasAgreedTerms", b -> b.put("hasAgreedTerms", false));
        cases.put("hasAgreedTerms ", b -> b.remove("hasAgreedTerms"));
        cases.put("timestamp", b -> b.put("timestamp", "yesterday"));
        cases.put("url", b -> b.put("url", "https://elsewhere.example/api/0/"));
        cases.put("url ", b -> b.put("url", "https://elsewhere.example" + ChannelProvisioning.PATH));
        cases.put("region", b -> b.put("region", "eu"));
        cases.put("region ", b -> b.remove("region"));
        cases.put("projects", b -> b.put("projects", List.of(Map.of("platform", "java"))));
        cases.put("projects ", b -> b.put("projects", List.of(Map.of("name", "Api", "platform", "Not A Platform"))));
        cases.put("isTest", b -> b.put("isTest", "yes"));
        cases.forEach((field, change) -> {
            Map<String, Object> body = body("tenant-7", "us", List.of(project("Api", "go")));
            change.accept(body);
            HttpResponse<String> response = provision(body);
            assertEquals(400, response.statusCode(), field + ": " + response.body());
            assertTrue(h.object(response).containsKey(field.strip()), field + ": " + response.body());
        });
        assertEquals(400, send("{not json", "{not json", PARTNER_SECRET).statusCode());
        assertEquals(List.of(), h.standIn.provisioned());
    }

    @Test
    void revokingTheIntegrationTokenKillsItAndARepeatIssuesANewOne() {
        Map<String, Object> result = h.object(provision(body("tenant-8", "us", List.of())));
        String token = (String) result.get("integration_api_token");
        String slug = (String) objectAt(result, "organization").get("slug");
        h.standIn.expire(slug);
        assertEquals(200, h.apiGet(h.main("/api/0/"), token).statusCode(), "integration tokens do not expire");

        HttpResponse<String> revoked = h.json("POST", h.main("/_standin/revoke"),
                "{\"org_slug\":\"" + slug + "\",\"integration\":true}");
        assertEquals(Map.of("revoked_tokens", 1), h.object(revoked));
        HttpResponse<String> refused = h.apiGet(h.us("/api/0/organizations/" + slug + "/"), token);
        assertEquals(401, refused.statusCode());
        assertEquals(Map.of("detail", "Invalid token"), h.object(refused));
        assertEquals(false, h.standIn.provisioned().get(0).get("integration_token_active"));

        String renewed = (String) h.object(provision(body("tenant-8", "us", List.of()))).get("integration_api_token");
        assertNotEquals(token, renewed);
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/" + slug + "/"), renewed).statusCode());
        assertEquals(400, h.json("POST", h.main("/_standin/revoke"), "{\"org_slug\":\"acme\",\"integration\":true}").statusCode(),
                "acme was not provisioned");
    }

    @Test
    void theCustomerCanAuthorizeAnOAuthAppForTheProvisionedOrganization() {
        Map<String, Object> result = h.object(provision(body("tenant-9", "de", List.of())));
        String orgId = (String) objectAt(result, "organization").get("id");
        String slug = (String) objectAt(result, "organization").get("slug");
        Map<String, Object> account = h.standIn.provisioned().get(0);
        Map<String, Object> owner = listAt(account, "members").get(0);
        assertEquals("owner@customer.example", owner.get("email"));
        assertEquals("owner", owner.get("role"));

        Map<String, Object> tokens = h.link((String) owner.get("user_id"), slug, READ_SCOPES);
        assertEquals(orgId, tokens.get("organization_id"));
        assertNotNull(tokens.get("refresh_token"));
        assertEquals(200, h.apiGet(h.de("/api/0/organizations/" + slug + "/"), (String) tokens.get("access_token")).statusCode());

        Map<String, Object> manager = body("tenant-9", "de", List.of());
        manager.put("email", "ada@example.com");
        assertEquals(200, provision(manager).statusCode());
        List<Map<String, Object>> members = listAt(h.standIn.provisioned().get(0), "members");
        assertEquals(List.of("owner", "manager"), members.stream().map(m -> m.get("role")).toList());
        assertEquals("1", members.get(1).get("user_id"), "an existing Sentry user is added, not created again");
    }

    @Test
    void resetForgetsProvisionedOrganizations() {
        String token = (String) h.object(provision(body("tenant-10", "us", List.of()))).get("integration_api_token");
        assertEquals(200, h.json("POST", h.main("/_standin/reset"), "{}").statusCode());
        assertEquals("[]", h.get(h.main("/_standin/provisioned")).body());
        assertEquals(401, h.apiGet(h.main("/api/0/"), token).statusCode());
    }

    @Test
    void onlyPostIsAllowed() {
        HttpResponse<String> response = h.get(h.main(ChannelProvisioning.PATH));
        assertEquals(405, response.statusCode());
        assertEquals(404, h.send("POST", h.us(ChannelProvisioning.PATH), "{}").statusCode(), "main origin only");
    }
}
