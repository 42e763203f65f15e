package io.sentryconnect.standin;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The seeded world of the stand-in: users, organizations in regions, memberships, projects, issues, releases and
 * the registered OAuth clients. Read from a JSON file whose field names are these components in snake case; issues
 * are generated from each project's {@code issue_count} so that lists run over several pages.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@PluginJson
public record Fixtures(
        List<User> users,
        List<Organization> organizations,
        List<Membership> memberships,
        @Nullable List<Team> teams,
        List<Project> projects,
        List<OAuthClient> oauthClients,
        @Nullable List<String> issueTitles,
        @Nullable List<Issue> issues,
        @Nullable List<Partner> partners,
        @Nullable List<Release> releases) {

    /** The regions a Sentry SaaS organization can live in; each is its own origin of the stand-in. */
    public static final Set<String> REGIONS = Set.of("us", "de");

    /** Generated issues are spread back in time from this instant, so the fixtures are the same on every run. */
    private static final Instant ISSUES_LAST_SEEN = Instant.parse("2024-11-20T12:00:00Z");

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record User(String id, String name, String email) {
    }

    /**
     * An organization. {@code openMembership} is Sentry's {@code allow_joinleave} flag ("Allow members to join and
     * leave teams without requiring approval", {@code src/sentry/models/organization.py}), which gives every member
     * access to every project; Sentry sets it on new organizations (its flags default to 1), so it is on unless the
     * fixtures say {@code false}.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record Organization(String id, String slug, String name, String region, @Nullable Boolean openMembership) {
        public Organization(String id, String slug, String name, String region) {
            this(id, slug, name, region, null);
        }

        public boolean allowsJoinLeave() {
            return openMembership == null || openMembership;
        }
    }

    /** A person's membership of an organization: the role, and the slugs of the teams of it they are a member of. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record Membership(String userId, String orgSlug, String role, @Nullable List<String> teams) {
        public Membership(String userId, String orgSlug, String role) {
            this(userId, orgSlug, role, List.of());
        }

        public Membership {
            teams = teams == null ? List.of() : List.copyOf(teams);
        }

        /**
         * Whether the role is a global one: {@code is_global} in {@code SENTRY_ROLES} of
         * {@code src/sentry/conf/server.py} is true for {@code manager} and {@code owner} only.
         */
        public boolean globalRole() {
            return role.equals("manager") || role.equals("owner");
        }
    }

    /** A team of an organization (Sentry's {@code Team}); projects name the teams they belong to. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record Team(String id, String orgSlug, String slug, String name) {
    }

    /** A project, with the slugs of the teams it belongs to (Sentry's {@code ProjectTeam}). */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record Project(String id, String orgSlug, String slug, String name, String platform, int issueCount,
                          @Nullable List<String> teams) {
        public Project(String id, String orgSlug, String slug, String name, String platform, int issueCount) {
            this(id, orgSlug, slug, name, platform, issueCount, List.of());
        }

        public Project {
            teams = teams == null ? List.of() : List.copyOf(teams);
        }
    }

    /** A registered OAuth application; org-level, as partner integrations are. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record OAuthClient(String clientId, String clientSecret, String name, List<String> redirectUris,
                              List<String> allowedScopes) {
        @Override
        public String toString() {
            return "OAuthClient[clientId=" + clientId + ", clientSecret=[redacted], redirectUris=" + redirectUris + "]";
        }
    }

    /**
     * A partner of Sentry's Account Provisioning API: its {@code channel} and the secret key that signs its calls
     * to {@code /remote/channel-provision/account/}.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record Partner(String channel, String name, String secret) {
        @Override
        public String toString() {
            return "Partner[channel=" + channel + ", name=" + name + ", secret=[redacted]]";
        }
    }

    /** A release of an organization, with the slugs of the projects it belongs to (Sentry's {@code ReleaseProject}). */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record Release(String orgSlug, String version, List<String> projects) {
    }

    /**
     * An issue as the fixtures seed it; its status, flags and assignee can change at run time through the API.
     * {@code assignedTo} is an actor identifier as Sentry's {@code Actor.identifier} writes one ({@code user:<id>},
     * {@code team:<id>}), or null.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    public record Issue(String id, String projectId, String shortId, String title, String culprit, String level,
                        String status, long count, int userCount, Instant firstSeen, Instant lastSeen,
                        boolean isBookmarked, boolean hasSeen, @Nullable String assignedTo) {

        Issue withStatus(String newStatus) {
            return new Issue(id, projectId, shortId, title, culprit, level, newStatus, count, userCount, firstSeen,
                    lastSeen, isBookmarked, hasSeen, assignedTo);
        }

        Issue withFlags(boolean bookmarked, boolean seen) {
            return new Issue(id, projectId, shortId, title, culprit, level, status, count, userCount, firstSeen,
                    lastSeen, bookmarked, seen, assignedTo);
        }

        Issue withAssignee(@Nullable String actor) {
            return new Issue(id, projectId, shortId, title, culprit, level, status, count, userCount, firstSeen,
                    lastSeen, isBookmarked, hasSeen, actor);
        }
    }

    public Fixtures {
        users = List.copyOf(users);
        organizations = List.copyOf(organizations);
        memberships = List.copyOf(memberships);
        teams = teams == null ? List.of() : List.copyOf(teams);
        projects = List.copyOf(projects);
        oauthClients = List.copyOf(oauthClients);
        issueTitles = issueTitles == null ? List.of() : List.copyOf(issueTitles);
        issues = issues == null ? List.of() : List.copyOf(issues);
        partners = partners == null ? List.of() : List.copyOf(partners);
        releases = releases == null ? List.of() : List.copyOf(releases);
    }

    /** These fixtures with {@code extra} registered as further redirect URIs of every OAuth client. */
    public Fixtures withRedirectUris(List<String> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        List<OAuthClient> clients = oauthClients.stream().map(c -> {
            List<String> uris = new ArrayList<>(c.redirectUris());
            extra.stream().filter(u -> !uris.contains(u)).forEach(uris::add);
            return new OAuthClient(c.clientId(), c.clientSecret(), c.name(), uris, c.allowedScopes());
        }).toList();
        return new Fixtures(users, organizations, memberships, teams, projects, clients, issueTitles, issues, partners, releases);
    }

    /** Reads fixtures from {@code classpath:…}, {@code file:…} or a plain path, and generates the issues. */
    public static Fixtures load(String location) {
        try (InputStream in = open(location)) {
            Fixtures raw = io.sentryconnect.PlainJson.read(in, Fixtures.class);
            Fixtures fixtures = raw.withGeneratedIssues();
            fixtures.validate();
            return fixtures;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read stand-in fixtures from " + location, e);
        }
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length()).replaceFirst("^/", "");
            InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IOException("no such classpath resource: " + resource);
            }
            return in;
        }
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        return Files.newInputStream(Path.of(path));
    }

    private Fixtures withGeneratedIssues() {
        List<String> titles = issueTitles.isEmpty() ? List.of("Error: something went wrong") : issueTitles;
        List<Issue> all = new ArrayList<>(issues);
        long nextId = 90_001;
        for (Project project : projects) {
            String prefix = project.slug().toUpperCase(Locale.ROOT);
            for (int n = 1; n <= project.issueCount(); n++) {
                Instant lastSeen = ISSUES_LAST_SEEN.minus(Duration.ofMinutes(37L * (n - 1)));
                all.add(new Issue(
                        Long.toString(nextId++),
                        project.id(),
                        prefix + "-" + Integer.toString(n, 36).toUpperCase(Locale.ROOT),
                        titles.get((n - 1) % titles.size()),
                        project.slug().replace('-', '_') + ".handlers.handler_" + (n % 7),
                        n % 5 == 0 ? "warning" : "error",
                        "unresolved",
                        3L * n + 1,
                        n % 13 + 1,
                        lastSeen.minus(Duration.ofDays(n % 30 + 1)),
                        lastSeen,
                        false,
                        false,
                        null));
            }
        }
        return new Fixtures(users, organizations, memberships, teams, projects, oauthClients, issueTitles, all, partners, releases);
    }

    private void validate() {
        for (Organization org : organizations) {
            if (!REGIONS.contains(org.region())) {
                throw new IllegalStateException("organization " + org.slug() + " has unknown region " + org.region());
            }
        }
        for (Membership m : memberships) {
            if (user(m.userId()).isEmpty() || organization(m.orgSlug()).isEmpty()) {
                throw new IllegalStateException("membership refers to unknown user or organization: " + m);
            }
        }
        for (Team t : teams) {
            if (organization(t.orgSlug()).isEmpty()) {
                throw new IllegalStateException("team " + t.slug() + " refers to unknown organization " + t.orgSlug());
            }
        }
        for (Membership m : memberships) {
            for (String team : m.teams()) {
                if (team(m.orgSlug(), team).isEmpty()) {
                    throw new IllegalStateException("membership refers to unknown team " + team + ": " + m);
                }
            }
        }
        for (Project p : projects) {
            if (organization(p.orgSlug()).isEmpty()) {
                throw new IllegalStateException("project " + p.slug() + " refers to unknown organization " + p.orgSlug());
            }
            for (String team : p.teams()) {
                if (team(p.orgSlug(), team).isEmpty()) {
                    throw new IllegalStateException("project " + p.slug() + " refers to unknown team " + team);
                }
            }
        }
        if (oauthClients.isEmpty()) {
            throw new IllegalStateException("fixtures register no OAuth client");
        }
        if (teams.isEmpty() && !projects.isEmpty()) {
            // Fixture files written before teams existed: valid, but Sentry's team rules then show members little.
            org.slf4j.LoggerFactory.getLogger(Fixtures.class).warn("The stand-in's fixtures define no teams: as in "
                    + "Sentry, an organization's issue list without ?project= then shows a member no project's issues, "
                    + "and project lists say isMember: false (docs/standin.md, fixtures)");
        }
    }

    public Optional<User> user(String id) {
        return users.stream().filter(u -> u.id().equals(id)).findFirst();
    }

    public Optional<Organization> organization(String slug) {
        return organizations.stream().filter(o -> o.slug().equals(slug)).findFirst();
    }

    public Optional<Organization> organizationById(String id) {
        return organizations.stream().filter(o -> o.id().equals(id)).findFirst();
    }

    /** The organizations a user belongs to, in fixture order. */
    public List<Organization> organizationsOf(String userId) {
        return organizations.stream()
                .filter(o -> memberships.stream().anyMatch(m -> m.userId().equals(userId) && m.orgSlug().equals(o.slug())))
                .toList();
    }

    public boolean isMember(String userId, String orgId) {
        return organizationsOf(userId).stream().anyMatch(o -> o.id().equals(orgId));
    }

    public Optional<Team> team(String orgSlug, String teamSlug) {
        return teams.stream().filter(t -> t.orgSlug().equals(orgSlug) && t.slug().equals(teamSlug)).findFirst();
    }

    public List<Project> projectsOf(String orgSlug) {
        return projects.stream().filter(p -> p.orgSlug().equals(orgSlug)).toList();
    }

    public Optional<Project> project(String orgSlug, String projectSlug) {
        return projects.stream().filter(p -> p.orgSlug().equals(orgSlug) && p.slug().equals(projectSlug)).findFirst();
    }

    public Optional<Project> projectById(String id) {
        return projects.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** {@code Release.objects.get(organization_id=…, version=…)}. */
    public Optional<Release> release(String orgSlug, String version) {
        return releases.stream().filter(r -> r.orgSlug().equals(orgSlug) && r.version().equals(version)).findFirst();
    }

    public Optional<OAuthClient> client(String clientId) {
        return oauthClients.stream().filter(c -> Objects.equals(c.clientId(), clientId)).findFirst();
    }

    public Optional<Partner> partner(String channel) {
        return partners.stream().filter(p -> p.channel().equals(channel)).findFirst();
    }

    /** The one client the dev configuration uses: the first registered. */
    public OAuthClient defaultClient() {
        return oauthClients.get(0);
    }

    /** The seeded issues of a project, most recently seen first (Sentry's default sort). */
    public List<Issue> issuesOf(String projectId) {
        return issues.stream()
                .filter(i -> i.projectId().equals(projectId))
                .sorted(Comparator.comparing(Issue::lastSeen).reversed())
                .toList();
    }
}
