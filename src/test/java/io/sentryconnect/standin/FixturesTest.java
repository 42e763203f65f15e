package io.sentryconnect.standin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixturesTest {

    private final Fixtures fixtures = Fixtures.load(StandInConfiguration.DEFAULT_FIXTURES);

    @Test
    void defaultFixturesSeedWhatTheServiceTestsNeed() {
        assertTrue(fixtures.users().size() >= 3);
        assertEquals(4, fixtures.organizations().size());
        assertEquals(Set.of("us", "de"), fixtures.organizations().stream().map(Fixtures.Organization::region).collect(Collectors.toSet()));
        assertTrue(fixtures.users().stream().anyMatch(u -> fixtures.organizationsOf(u.id()).size() > 1), "a user in several orgs");
        assertTrue(fixtures.projects().stream().anyMatch(p -> fixtures.issuesOf(p.id()).size() > 100), "a project over one page");
        Fixtures.OAuthClient client = fixtures.defaultClient();
        assertEquals("sentry-connect-dev", client.clientId());
        assertEquals("standin-dev-secret-not-for-production", client.clientSecret());
        assertEquals(List.of("http://localhost/connect/sentry/callback"), client.redirectUris());
        assertEquals(List.of("org:read", "project:read", "team:read", "member:read", "event:read", "event:write",
                "project:releases"), client.allowedScopes());
    }

    @Test
    void generatedIssuesHaveUniqueIdsAndAreTheSameOnEveryLoad() {
        Set<String> ids = fixtures.issues().stream().map(Fixtures.Issue::id).collect(Collectors.toSet());
        assertEquals(fixtures.issues().size(), ids.size());
        Fixtures again = Fixtures.load(StandInConfiguration.DEFAULT_FIXTURES);
        assertEquals(fixtures.issues(), again.issues());
    }

    @Test
    void clientSecretIsNotPrinted() {
        assertTrue(!fixtures.defaultClient().toString().contains("standin-dev-secret"));
    }
}
