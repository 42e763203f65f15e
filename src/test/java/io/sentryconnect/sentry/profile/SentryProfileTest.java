package io.sentryconnect.sentry.profile;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class SentryProfileTest {
    private static final SentryProfile SENTRY = SentryProfile.SENTRY;

    @Test
    void theTwoMessagesThatRefuseTheUrlAreNotTokenFailures() {
        assertEquals(SentryProfile.Unauthorized.REQUEST_SCOPE, SENTRY.unauthorized().meaningOf("Unauthorized organization access."));
        assertEquals(SentryProfile.Unauthorized.REQUEST_SCOPE,
                SENTRY.unauthorized().meaningOf("This token access is limited to organization endpoints."));
    }

    @Test
    void invalidTokenIsTheUnknownTokenThatReplicationLagCanCause() {
        assertEquals(SentryProfile.Unauthorized.UNKNOWN_TOKEN, SENTRY.unauthorized().meaningOf("Invalid token"));
    }

    @Test
    void sentrysOtherTokenFailureMessagesAreTokenFailures() {
        for (String message : List.of("Token expired", "User inactive or deleted", "UserApplication inactive or deleted")) {
            assertEquals(SentryProfile.Unauthorized.TOKEN_FAILURE, SENTRY.unauthorized().meaningOf(message), message);
        }
    }

    @Test
    void anUnlistedMessageOrNoneIsUnrecognisedNotATokenFailure() {
        java.util.ArrayList<String> messages = new java.util.ArrayList<>(List.of("Authentication credentials were not provided.",
                "Invalid token header. No credentials provided.", "Cannot resolve organization from token.", "", "invalid token"));
        messages.add(null);
        for (String message : messages) {
            assertEquals(SentryProfile.Unauthorized.UNRECOGNISED, SENTRY.unauthorized().meaningOf(message), message);
        }
    }

    @Test
    void theRegionsAreTheOnesTheProvisioningApiNames() {
        assertEquals(List.of("us", "de"), SENTRY.regionNames());
        assertTrue(SENTRY.regions().stream().allMatch(r -> r.apiUrl().getHost().endsWith(".sentry.io")));
    }

    @Test
    void theOrganizationRoutesSayWhereTheOrganizationStands() {
        SentryProfile.OrganizationRoutes routes = SENTRY.organizationRoutes();
        assertEquals(new SentryProfile.OrganizationRoute("projects", 1, 3), routes.routeOf("projects").orElseThrow());
        assertEquals(1, routes.routeOf("organizations").orElseThrow().index());
        assertTrue(routes.routeOf("issues").isEmpty(), "issues/{id}/ names no organization");
        assertTrue(routes.routeOf("users").isEmpty());
        assertEquals("organizations", routes.organizationsList());
    }
}
