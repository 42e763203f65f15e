package io.sentryconnect.openapi;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.client.ApiClient;
import io.sentryconnect.client.ApiException;
import io.sentryconnect.client.ApiResponse;
import io.sentryconnect.client.api.EventsApi;
import io.sentryconnect.client.api.GrantsApi;
import io.sentryconnect.client.api.IdentityApi;
import io.sentryconnect.client.api.LinksApi;
import io.sentryconnect.client.api.ProvisioningApi;
import io.sentryconnect.client.api.ProxyApi;
import io.sentryconnect.client.model.Event;
import io.sentryconnect.client.model.Grant;
import io.sentryconnect.client.model.GrantStatus;
import io.sentryconnect.client.model.Link;
import io.sentryconnect.client.model.LinkRequest;
import io.sentryconnect.client.model.Me;
import io.sentryconnect.client.model.PartnerRegistration;
import io.sentryconnect.client.model.Problem;
import io.sentryconnect.client.model.ProblemCode;
import io.sentryconnect.client.model.ProvisionedGrant;
import io.sentryconnect.client.model.ProvisioningRequest;
import io.sentryconnect.client.model.ProvisioningRequestProjectsInner;
import io.sentryconnect.client.model.Region;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A platform team's client, generated from the OpenAPI document at build time (openapi-generator, Java "native"),
 * driven through the whole flow against the service and the Sentry stand-in: if the document drifts from the wire,
 * this client sends what the service refuses or reads nulls, and the test fails. The browser half of linking is a
 * browser's (LinkDriver), as it is for a real platform.
 */
@MicronautTest(environments = "test", transactional = false)
class GeneratedClientTest extends ServiceTest {
    private static final Pattern NEXT_CURSOR = Pattern.compile("rel=\"next\"; results=\"true\"; cursor=\"([^\"]+)\"");

    private ApiClient client(String jwt) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(serviceUrl());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + jwt));
        return client;
    }

    @Test
    void aGeneratedClientLinksListsCallsSentryPagesChecksReadsEventsReconnectsAndDisconnects() throws Exception {
        String tenant = "t-client-" + UUID.randomUUID();
        ApiClient client = client(driver.jwt(tenant, "u1"));
        GrantsApi grants = new GrantsApi(client);
        ProxyApi proxy = new ProxyApi(client);

        Link link = new LinksApi(client).createLink(new LinkRequest().returnTo(URI.create(LinkDriver.RETURN_TO)));
        assertTrue(link.getLinkUrl().toString().startsWith(serviceUrl() + "/connect/sentry/start?ticket="), link.toString());
        assertNotNull(link.getExpiresAt());
        UUID grantId = browserLinks(link, "acme");

        List<Grant> listed = grants.listGrants(null, GrantStatus.ACTIVE, null, null, null);
        assertEquals(List.of(grantId), listed.stream().map(Grant::getId).toList());
        Grant grant = grants.getGrant(grantId);
        assertEquals(tenant, grant.getTenantId());
        assertEquals("u1", grant.getUserId());
        assertEquals(Grant.KindEnum.OAUTH, grant.getKind());
        assertEquals(GrantStatus.ACTIVE, grant.getStatus());
        assertEquals("acme", grant.getOrganization().getSlug());
        assertNotNull(grant.getOrganization().getRegionUrl());
        assertEquals("1", grant.getSentryUser().getId());
        assertTrue(grant.getScopes().contains("org:read"), grant.getScopes().toString());
        assertEquals(Boolean.FALSE, grant.getReconnectRequired());

        ApiResponse<Object> projects = proxy.sentryGetWithHttpInfo(grantId, "organizations/acme/projects/", null);
        assertEquals(200, projects.getStatusCode());
        assertTrue(String.valueOf(projects.getData()).contains("slug=backend"), String.valueOf(projects.getData()));
        assertNextPages(proxy, grantId);

        assertEquals(GrantStatus.ACTIVE, grants.checkGrant(grantId).getStatus());
        List<Event> events = new EventsApi(client).listEvents(null, 100);
        Event connected = events.stream().filter(e -> e.getData().getGrant().getId().equals(grantId)).findFirst().orElseThrow();
        assertEquals(Event.TypeEnum.GRANT_CONNECTED, connected.getType());
        assertEquals(List.of(), new EventsApi(client).listEvents(events.get(events.size() - 1).getCursor(), null));

        Link reconnect = grants.reconnectGrant(grantId, new LinkRequest().returnTo(URI.create(LinkDriver.RETURN_TO)));
        assertEquals(grantId, browserLinks(reconnect, "acme"), "reconnect renews the same grant");
        assertTrue(new EventsApi(client).listEvents(connected.getCursor(), null).stream()
                .anyMatch(e -> e.getType() == Event.TypeEnum.GRANT_RECONNECTED));

        grants.disconnectGrant(grantId);
        grants.disconnectGrant(grantId);
        assertEquals(GrantStatus.DISCONNECTED, grants.getGrant(grantId).getStatus());
        ApiException refused = assertThrows(ApiException.class, () -> proxy.sentryGet(grantId, "organizations/acme/projects/", null));
        assertEquals(409, refused.getCode());
        Problem problem = client.getObjectMapper().readValue(refused.getResponseBody(), Problem.class);
        assertEquals(ProblemCode.GRANT_DISCONNECTED, problem.getCode());
        assertEquals(URI.create("https://sentry-connect.io/problems/grant_disconnected"), problem.getType());

        Me me = new IdentityApi(client).getMe();
        assertEquals(tenant, me.getTenantId());
        assertEquals(Boolean.FALSE, me.getTenantAdmin());
    }

    @Test
    void aGeneratedClientProvisionsAnOrganizationAndCallsSentryWithIt() throws Exception {
        String tenant = "t-client-" + UUID.randomUUID();
        ApiClient admin = client(driver.jwt(tenant, "admin", "tenant-admin"));
        ProvisioningApi provisioning = new ProvisioningApi(admin);

        ProvisionedGrant provisioned = provisioning.provisionOrganization(new ProvisioningRequest()
                .email("owner@customer.example").organizationName("Client Co " + tenant.substring(9, 17))
                .projects(List.of(new ProvisioningRequestProjectsInner().name("Web Shop").platform("javascript")))
                .region(Region.US).hasAgreedTerms(true));
        assertEquals(ProvisionedGrant.KindEnum.PROVISIONED, provisioned.getKind());
        assertEquals(GrantStatus.ACTIVE, provisioned.getStatus());
        assertNull(provisioned.getSentryUser());
        assertEquals(1, provisioned.getProjects().size());
        assertTrue(provisioned.getProjects().get(0).getDsn().startsWith("http"), provisioned.getProjects().toString());
        assertEquals(provisioned.getId(), provisioning.getProvisioning().getId());

        String slug = provisioned.getOrganization().getSlug();
        Object projects = new ProxyApi(admin).sentryGet(provisioned.getId(), "organizations/" + slug + "/projects/", null);
        assertTrue(String.valueOf(projects).contains("Web Shop"), String.valueOf(projects));

        PartnerRegistration sheet = provisioning.getPartnerRegistration();
        assertEquals(List.of(URI.create(serviceUrl() + "/connect/sentry/callback")), sheet.getRedirectUris());

        ApiException forbidden = assertThrows(ApiException.class,
                () -> new ProvisioningApi(client(driver.jwt(tenant, "u2"))).getProvisioning());
        assertEquals(403, forbidden.getCode());
        assertEquals(ProblemCode.FORBIDDEN, admin.getObjectMapper().readValue(forbidden.getResponseBody(), Problem.class).getCode());
    }

    @Test
    void aGeneratedClientReadsOurProblemsWithTheirCodeAndField() throws Exception {
        ApiClient client = client(driver.jwt("t-client-" + UUID.randomUUID(), "u1"));
        ApiException notFound = assertThrows(ApiException.class, () -> new GrantsApi(client).getGrant(UUID.randomUUID()));
        assertEquals(404, notFound.getCode());
        assertEquals(ProblemCode.GRANT_NOT_FOUND, client.getObjectMapper().readValue(notFound.getResponseBody(), Problem.class).getCode());

        ApiException badReturn = assertThrows(ApiException.class,
                () -> new LinksApi(client).createLink(new LinkRequest().returnTo(URI.create("https://elsewhere.example/"))));
        Problem problem = client.getObjectMapper().readValue(badReturn.getResponseBody(), Problem.class);
        assertEquals(400, problem.getStatus());
        assertEquals(ProblemCode.INVALID_REQUEST, problem.getCode());
        assertEquals("return_to", problem.getField());
    }

    private UUID browserLinks(Link link, String orgSlug) {
        HttpResponse<String> done = driver.link(new Http(), link.getLinkUrl().toString(), "1", orgSlug);
        Map<String, String> outcome = LinkDriver.query(LinkDriver.location(done));
        assertEquals("connected", outcome.get("sentry_connect"), outcome.toString());
        return UUID.fromString(outcome.get("grant_id"));
    }

    /** Sentry's Link header comes back unchanged, and its cursor, passed to the proxy again, gives the next page. */
    private static void assertNextPages(ProxyApi proxy, UUID grantId) throws ApiException {
        ApiResponse<Object> first = proxy.sentryGetWithHttpInfo(grantId, "projects/acme/backend/issues/", null);
        String header = first.getHeaders().getOrDefault("link", List.of("")).get(0);
        Matcher next = NEXT_CURSOR.matcher(header);
        assertTrue(next.find(), "a next page: " + header);
        ApiResponse<Object> second = proxy.sentryGetWithHttpInfo(grantId, "projects/acme/backend/issues/", next.group(1));
        assertEquals(200, second.getStatusCode());
        assertTrue(second.getData() instanceof List<?> page && !page.isEmpty(), String.valueOf(second.getData()));
        assertNotEquals(String.valueOf(first.getData()), String.valueOf(second.getData()), "the second page is another page");
    }
}
