package io.sentryconnect.sentry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which paths a grant's org-scoped token may call (the grant here: organization {@code acme}, id 17). */
@Tag("unit")
class OrganizationPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"organizations/acme/", "organizations/acme", "organizations/acme/projects/",
            "projects/acme/backend/", "projects/acme/backend/issues/", "teams/acme/core/", "customers/acme/",
            "accept-invite/acme/42/secret/", "organizations/", "organizations"})
    void aPathNamingTheGrantsOrganizationOrTheOrganizationsListIsSentAsItIs(String path) {
        assertEquals(path, OrganizationPaths.confine(path, "acme", "17"));
    }

    @Test
    void theGrantsOwnNumericIdIsReplacedByItsSlug() {
        assertEquals("organizations/acme/projects/", OrganizationPaths.confine("organizations/17/projects/", "acme", "17"));
        assertEquals("projects/acme/backend", OrganizationPaths.confine("projects/17/backend", "acme", "17"));
    }

    @Test
    void anotherOrganizationIsRefusedNamingTheGrantsOwn() {
        OutsideGrantOrganization problem = refused("organizations/globex/projects/");
        assertTrue(problem.getMessage().contains("'acme'") && problem.getMessage().contains("'globex'"), problem.getMessage());
        assertEquals("acme", problem.organization());
        refused("projects/18/backend/");
    }

    @Test
    void aBareIssueUrlIsRefusedWithTheOrganizationsIssueUrlToCallInstead() {
        assertTrue(refused("issues/123/").getMessage().contains("organizations/acme/issues/123/"));
        assertTrue(refused("groups/123/events/").getMessage().contains("organizations/acme/issues/123/"));
    }

    @Test
    void aUserUrlIsRefusedPointingAtTheOrganizationsMembers() {
        assertTrue(refused("users/me/").getMessage().contains("organizations/acme/members/"));
    }

    @Test
    void theApiIndexAndOtherUrlsNamingNoOrganizationAreRefused() {
        assertTrue(refused("").getMessage().contains("organizations/acme/"));
        assertTrue(refused("sentry-app-installations/x/").getMessage().contains("organizations/acme/"));
        // A route prefix that carries an organization, but too short to hold one where Sentry expects it.
        refused("projects/acme/");
        refused("teams/acme");
    }

    private static OutsideGrantOrganization refused(String path) {
        OutsideGrantOrganization problem = assertThrows(OutsideGrantOrganization.class, () -> OrganizationPaths.confine(path, "acme", "17"), path);
        assertEquals("outside_grant_organization", problem.code());
        return problem;
    }
}
