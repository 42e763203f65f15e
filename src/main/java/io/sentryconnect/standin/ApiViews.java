package io.sentryconnect.standin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of users, organizations, projects and issues, in the shapes of Sentry's serializers. */
final class ApiViews {
    private static final String DATE_CREATED = "2021-03-04T10:20:30.000000Z";
    /** {@link #DATE_CREATED} as a time: when every organization was created (the organizations list pages by it). */
    static final java.time.Instant DATE_CREATED_AT = java.time.Instant.parse("2021-03-04T10:20:30Z");

    private final Directory directory;
    private final Urls urls;

    ApiViews(Directory directory, Urls urls) {
        this.directory = directory;
        this.urls = urls;
    }

    Map<String, Object> userJson(Fixtures.User user) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", user.id());
        m.put("name", user.name());
        m.put("username", user.email());
        m.put("email", user.email());
        m.put("isActive", true);
        return m;
    }

    /**
     * src/sentry/api/serializers/models/actor.py, {@code ActorSerializer}: a user as {@code email}, {@code type},
     * {@code id} and its display name, a team as {@code type}, {@code id} and its slug. {@code identifier} is
     * {@code user:<id>} or {@code team:<id>} of a user or team that exists.
     */
    Map<String, Object> actorJson(String identifier) {
        Map<String, Object> m = new LinkedHashMap<>();
        String id = identifier.substring(identifier.indexOf(':') + 1);
        if (identifier.startsWith("team:")) {
            m.put("type", "team");
            m.put("id", id);
            m.put("name", directory.teamById(id).orElseThrow().slug());
        } else {
            Fixtures.User user = directory.user(id).orElseThrow();
            m.put("email", user.email());
            m.put("type", "user");
            m.put("id", id);
            m.put("name", user.name());
        }
        return m;
    }

    Map<String, Object> organizationJson(Fixtures.Organization org) {
        String regionUrl = Urls.plain(urls.region(org.region()));
        Map<String, Object> links = new LinkedHashMap<>();
        // sentry.io answers https://<slug>.sentry.io; the stand-in has no per-organization host names.
        links.put("organizationUrl", regionUrl);
        links.put("regionUrl", regionUrl);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", org.id());
        m.put("slug", org.slug());
        m.put("name", org.name());
        m.put("dateCreated", DATE_CREATED);
        m.put("status", Map.of("id", "active", "name", "active"));
        m.put("isEarlyAdopter", false);
        m.put("require2FA", false);
        m.put("features", List.of());
        m.put("hasAuthProvider", false);
        m.put("links", links);
        return m;
    }

    /**
     * src/sentry/api/serializers/models/project.py, {@code get_access_by_project}: {@code isMember} when one of the
     * user's teams holds the project, {@code hasAccess} when a member, or the organization allows join/leave, or
     * the user's role is global.
     */
    Map<String, Object> projectJson(Fixtures.Project project, String userId) {
        java.util.Optional<Fixtures.Membership> membership = directory.membership(userId, project.orgSlug());
        boolean isMember = membership.map(ms -> ms.teams().stream().anyMatch(project.teams()::contains)).orElse(false);
        boolean hasAccess = isMember || membership.map(Fixtures.Membership::globalRole).orElse(false)
                || directory.organization(project.orgSlug()).map(Fixtures.Organization::allowsJoinLeave).orElse(false);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", project.id());
        m.put("slug", project.slug());
        m.put("name", project.name());
        m.put("platform", project.platform());
        m.put("dateCreated", DATE_CREATED);
        m.put("isBookmarked", false);
        m.put("isMember", isMember);
        m.put("hasAccess", hasAccess);
        m.put("features", List.of());
        m.put("status", "active");
        return m;
    }

    /** {@code DetailedProjectSerializer} (src/sentry/api/serializers/models/project.py), in part: the list's members, the organization, the teams. */
    Map<String, Object> projectDetailsJson(Fixtures.Project project, Fixtures.Organization org, String userId) {
        Map<String, Object> m = projectJson(project, userId);
        m.put("organization", organizationJson(org));
        m.put("teams", project.teams().stream().map(slug -> directory.team(org.slug(), slug)).flatMap(java.util.Optional::stream)
                .map(team -> {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("id", team.id());
                    t.put("slug", team.slug());
                    t.put("name", team.name());
                    return t;
                }).toList());
        return m;
    }

    Map<String, Object> issueJson(Fixtures.Issue issue) {
        Fixtures.Project project = directory.projectById(issue.projectId()).orElseThrow();
        Fixtures.Organization org = directory.organization(project.orgSlug()).orElseThrow();
        Map<String, Object> projectRef = new LinkedHashMap<>();
        projectRef.put("id", project.id());
        projectRef.put("name", project.name());
        projectRef.put("slug", project.slug());
        projectRef.put("platform", project.platform());
        int colon = issue.title().indexOf(": ");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("type", colon < 0 ? issue.title() : issue.title().substring(0, colon));
        metadata.put("value", colon < 0 ? "" : issue.title().substring(colon + 2));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", issue.id());
        m.put("shortId", issue.shortId());
        m.put("title", issue.title());
        m.put("culprit", issue.culprit());
        m.put("permalink", Urls.plain(urls.region(org.region())) + "/organizations/" + org.slug() + "/issues/" + issue.id() + "/");
        m.put("level", issue.level());
        m.put("status", issue.status());
        m.put("statusDetails", Map.of());
        m.put("isPublic", false);
        m.put("platform", project.platform());
        m.put("project", projectRef);
        m.put("type", "error");
        m.put("metadata", metadata);
        m.put("numComments", 0);
        m.put("assignedTo", issue.assignedTo() == null ? null : actorJson(issue.assignedTo()));
        m.put("isBookmarked", issue.isBookmarked());
        m.put("isSubscribed", false);
        m.put("hasSeen", issue.hasSeen());
        m.put("annotations", List.of());
        m.put("issueType", "error");
        m.put("issueCategory", "error");
        m.put("count", Long.toString(issue.count()));
        m.put("userCount", issue.userCount());
        m.put("firstSeen", Times.format(issue.firstSeen()));
        m.put("lastSeen", Times.format(issue.lastSeen()));
        return m;
    }
}
