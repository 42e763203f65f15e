package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Who and what exists at Sentry right now: the seeded {@link Fixtures} plus the organizations, users, memberships and
 * projects created at run time through the Account Provisioning API. Every endpoint looks users, organizations and
 * projects up here, so a provisioned organization is served like a seeded one (API, regions, consent page).
 * Writes happen only in {@link #provision}, under this object's monitor; reads need no lock.
 */
final class Directory {

    /** Run-time ids start far from the seeded ones, so a test reading an id knows where it came from. */
    private static final long FIRST_ORG_ID = 7001;
    private static final long FIRST_PROJECT_ID = 8001;
    private static final long FIRST_USER_ID = 101;
    private static final long FIRST_TEAM_ID = 9001;

    /**
     * One organization created for a partner's customer. {@code proxyUserId} is the integration's own user (Sentry
     * gives each integration a proxy user that is a member of the organization); the integration token belongs to it.
     */
    record ProvisionedOrganization(String channel, String partnerOrganizationId, String orgId, String proxyUserId,
                                   boolean isTest, @Nullable String integrationToken) {
        ProvisionedOrganization withIntegrationToken(String token) {
            return new ProvisionedOrganization(channel, partnerOrganizationId, orgId, proxyUserId, isTest, token);
        }

        @Override
        public String toString() {
            return "ProvisionedOrganization[channel=" + channel + ", orgId=" + orgId + ", token=[redacted]]";
        }
    }

    /** A project to create, as the partner names it. */
    record ProjectRequest(String name, @Nullable String platform) {
    }

    private final Fixtures fixtures;
    private final List<Fixtures.User> users = new CopyOnWriteArrayList<>();
    private final List<Fixtures.User> proxyUsers = new CopyOnWriteArrayList<>();
    private final List<Fixtures.Organization> organizations = new CopyOnWriteArrayList<>();
    private final List<Fixtures.Membership> memberships = new CopyOnWriteArrayList<>();
    private final List<Fixtures.Team> teams = new CopyOnWriteArrayList<>();
    private final List<Fixtures.Project> projects = new CopyOnWriteArrayList<>();
    private final Map<String, String> dsns = new ConcurrentHashMap<>();
    private final Map<String, ProvisionedOrganization> provisioned = new ConcurrentHashMap<>();
    private long nextOrgId = FIRST_ORG_ID;
    private long nextProjectId = FIRST_PROJECT_ID;
    private long nextUserId = FIRST_USER_ID;
    private long nextTeamId = FIRST_TEAM_ID;

    Directory(Fixtures fixtures) {
        this.fixtures = fixtures;
    }

    // --- reads ----------------------------------------------------------------------------------------------------

    /** People who can sign in on the consent page: seeded and provisioned users, not integration proxy users. */
    List<Fixtures.User> users() {
        return Stream.concat(fixtures.users().stream(), users.stream()).toList();
    }

    Optional<Fixtures.User> user(@Nullable String id) {
        return Stream.of(fixtures.users(), users, proxyUsers).flatMap(List::stream)
                .filter(u -> u.id().equals(id)).findFirst();
    }

    Optional<Fixtures.User> userByEmail(String email) {
        return users().stream().filter(u -> u.email().equalsIgnoreCase(email)).findFirst();
    }

    List<Fixtures.Organization> organizations() {
        return Stream.concat(fixtures.organizations().stream(), organizations.stream()).toList();
    }

    Optional<Fixtures.Organization> organization(@Nullable String slug) {
        return organizations().stream().filter(o -> o.slug().equals(slug)).findFirst();
    }

    Optional<Fixtures.Organization> organizationById(@Nullable String id) {
        return organizations().stream().filter(o -> o.id().equals(id)).findFirst();
    }

    List<Fixtures.Membership> memberships() {
        return Stream.concat(fixtures.memberships().stream(), memberships.stream()).toList();
    }

    /** The organizations a user belongs to: seeded first, in fixture order, then provisioned ones. */
    List<Fixtures.Organization> organizationsOf(String userId) {
        List<Fixtures.Membership> all = memberships();
        return organizations().stream()
                .filter(o -> all.stream().anyMatch(m -> m.userId().equals(userId) && m.orgSlug().equals(o.slug())))
                .toList();
    }

    boolean isMember(String userId, String orgId) {
        return organizationsOf(userId).stream().anyMatch(o -> o.id().equals(orgId));
    }

    /** The user's membership of the organization, if any. */
    Optional<Fixtures.Membership> membership(String userId, String orgSlug) {
        return memberships().stream().filter(m -> m.userId().equals(userId) && m.orgSlug().equals(orgSlug)).findFirst();
    }

    Optional<Fixtures.Team> team(String orgSlug, String teamSlug) {
        return Stream.concat(fixtures.teams().stream(), teams.stream())
                .filter(t -> t.orgSlug().equals(orgSlug) && t.slug().equals(teamSlug)).findFirst();
    }

    Optional<Fixtures.Team> teamById(String id) {
        return Stream.concat(fixtures.teams().stream(), teams.stream()).filter(t -> t.id().equals(id)).findFirst();
    }

    /** The projects of a team, by slug, as {@code TeamProjectsEndpoint.get} orders them. */
    List<Fixtures.Project> projectsOfTeam(Fixtures.Team team) {
        return projectsOf(team.orgSlug()).stream().filter(p -> p.teams().contains(team.slug()))
                .sorted(java.util.Comparator.comparing(Fixtures.Project::slug)).toList();
    }

    /**
     * Whether the user is the organization's integration proxy user. src/sentry/auth/access.py, from_request: a
     * Sentry app's user gets {@code OrganizationGlobalMembership} (_from_sentry_app / _from_rpc_sentry_app): every
     * team and project of the organization counts as its own.
     */
    boolean isIntegrationUser(String userId, String orgSlug) {
        return organization(orgSlug).flatMap(o -> provisionedByOrgId(o.id()))
                .map(p -> p.proxyUserId().equals(userId)).orElse(false);
    }

    /**
     * src/sentry/auth/access.py, {@code Access.has_project_membership}: the project is one of a team the user is a
     * member of ({@code project_ids_with_team_membership}); no role or open membership widens it.
     */
    boolean hasProjectMembership(String userId, Fixtures.Project project) {
        if (isIntegrationUser(userId, project.orgSlug())) {
            return true;
        }
        return membership(userId, project.orgSlug())
                .map(m -> m.teams().stream().anyMatch(project.teams()::contains)).orElse(false);
    }

    /**
     * src/sentry/auth/access.py, {@code RpcBackedAccess.has_project_access} / {@code OrganizationMemberAccess}: a
     * member with global access (the organization's {@code allow_joinleave}, or a role that {@code is_global})
     * reaches every project of the organization; anyone else only those of their teams.
     */
    boolean hasProjectAccess(String userId, Fixtures.Project project) {
        if (isIntegrationUser(userId, project.orgSlug())) {
            return true;
        }
        Optional<Fixtures.Membership> member = membership(userId, project.orgSlug());
        if (member.isEmpty()) {
            return false;
        }
        boolean global = member.get().globalRole()
                || organization(project.orgSlug()).map(Fixtures.Organization::allowsJoinLeave).orElse(false);
        return global || hasProjectMembership(userId, project);
    }

    /** {@code has_team_access}: global access in the team's organization, or membership of the team. */
    boolean hasTeamAccess(String userId, Fixtures.Team team) {
        if (isIntegrationUser(userId, team.orgSlug())) {
            return true;
        }
        Optional<Fixtures.Membership> member = membership(userId, team.orgSlug());
        if (member.isEmpty()) {
            return false;
        }
        return member.get().globalRole()
                || organization(team.orgSlug()).map(Fixtures.Organization::allowsJoinLeave).orElse(false)
                || member.get().teams().contains(team.slug());
    }

    List<Fixtures.Project> projectsOf(String orgSlug) {
        return Stream.concat(fixtures.projects().stream(), projects.stream())
                .filter(p -> p.orgSlug().equals(orgSlug)).toList();
    }

    Optional<Fixtures.Project> project(String orgSlug, String projectSlug) {
        return projectsOf(orgSlug).stream().filter(p -> p.slug().equals(projectSlug)).findFirst();
    }

    Optional<Fixtures.Project> projectById(String id) {
        return Stream.concat(fixtures.projects().stream(), projects.stream()).filter(p -> p.id().equals(id)).findFirst();
    }

    /** A seeded release; provisioned organizations have none. */
    Optional<Fixtures.Release> release(String orgSlug, String version) {
        return fixtures.release(orgSlug, version);
    }

    Optional<Fixtures.OAuthClient> client(@Nullable String clientId) {
        return fixtures.client(clientId);
    }

    /** The DSN of a provisioned project; seeded projects have none (the stand-in ingests no events). */
    Optional<String> dsn(String projectId) {
        return Optional.ofNullable(dsns.get(projectId));
    }

    Optional<ProvisionedOrganization> provisioned(String channel, String partnerOrganizationId) {
        return Optional.ofNullable(provisioned.get(key(channel, partnerOrganizationId)));
    }

    List<ProvisionedOrganization> provisioned() {
        return List.copyOf(provisioned.values());
    }

    Optional<ProvisionedOrganization> provisionedByOrgId(String orgId) {
        return provisioned.values().stream().filter(p -> p.orgId().equals(orgId)).findFirst();
    }

    // --- writes ---------------------------------------------------------------------------------------------------

    /**
     * Creates the partner's organization for {@code partnerOrganizationId}, or finds the one created before (the
     * call is idempotent on it: name and region of a repeat are ignored), then adds the manager and the projects
     * that are new (by slug). The DSN host is the region origin, which is where a real DSN's ingest host lives.
     */
    synchronized ProvisionedOrganization provision(String channel, String partnerOrganizationId, String organizationName,
                                                   String region, String regionHost, String email,
                                                   List<ProjectRequest> requested, boolean isTest) {
        ProvisionedOrganization account = provisioned.get(key(channel, partnerOrganizationId));
        Fixtures.Organization org;
        if (account == null) {
            org = new Fixtures.Organization(Long.toString(nextOrgId++), uniqueSlug(organizationName,
                    organizations().stream().map(Fixtures.Organization::slug).toList()), organizationName, region);
            organizations.add(org);
            Fixtures.User proxy = new Fixtures.User(Long.toString(nextUserId++), channel + " integration",
                    "integration+" + org.slug() + "@proxy.sentry.invalid");
            proxyUsers.add(proxy);
            memberships.add(new Fixtures.Membership(proxy.id(), org.slug(), "member"));
            // The stand-in's choice (the provisioning implementation is not public): one team named after the
            // organization holds its projects and its people.
            teams.add(new Fixtures.Team(Long.toString(nextTeamId++), org.slug(), org.slug(), organizationName));
            account = new ProvisionedOrganization(channel, partnerOrganizationId, org.id(), proxy.id(), isTest, null);
            provisioned.put(key(channel, partnerOrganizationId), account);
        } else {
            org = organizationById(account.orgId()).orElseThrow();
        }
        Fixtures.User manager = userByEmail(email).orElseGet(() -> {
            Fixtures.User created = new Fixtures.User(Long.toString(nextUserId++), email.substring(0, email.indexOf('@')), email);
            users.add(created);
            return created;
        });
        if (!isMember(manager.id(), org.id())) {
            // The first person becomes the owner; a later call with another email adds a manager, as Sentry's does.
            String proxyId = account.proxyUserId();
            boolean hasPeople = memberships.stream()
                    .anyMatch(m -> m.orgSlug().equals(org.slug()) && !m.userId().equals(proxyId));
            memberships.add(new Fixtures.Membership(manager.id(), org.slug(), hasPeople ? "manager" : "owner",
                    List.of(org.slug())));
        }
        List<String> slugs = new ArrayList<>(projectsOf(org.slug()).stream().map(Fixtures.Project::slug).toList());
        for (ProjectRequest wanted : requested) {
            String slug = slugify(wanted.name());
            if (slugs.contains(slug)) {
                continue;
            }
            Fixtures.Project project = new Fixtures.Project(Long.toString(nextProjectId++), org.slug(), slug,
                    wanted.name(), wanted.platform(), 0, List.of(org.slug()));
            projects.add(project);
            slugs.add(slug);
            dsns.put(project.id(), "http://" + Secrets.token().substring(0, 32) + "@" + regionHost + "/" + project.id());
        }
        return account;
    }

    /** Remembers the organization's current integration token. */
    synchronized ProvisionedOrganization integrationToken(ProvisionedOrganization account, String token) {
        ProvisionedOrganization updated = account.withIntegrationToken(token);
        provisioned.put(key(account.channel(), account.partnerOrganizationId()), updated);
        return updated;
    }

    /** Forgets everything provisioned: back to the seeded fixtures. */
    synchronized void reset() {
        users.clear();
        proxyUsers.clear();
        organizations.clear();
        memberships.clear();
        teams.clear();
        projects.clear();
        dsns.clear();
        provisioned.clear();
        nextOrgId = FIRST_ORG_ID;
        nextProjectId = FIRST_PROJECT_ID;
        nextUserId = FIRST_USER_ID;
        nextTeamId = FIRST_TEAM_ID;
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /** Sentry's slugify: lower case, runs of anything else than letters and digits become one dash. */
    static String slugify(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 50) {
            slug = slug.substring(0, 50).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "organization" : slug;
    }

    private static String uniqueSlug(String name, List<String> taken) {
        String base = slugify(name);
        String slug = base;
        for (int n = 2; taken.contains(slug); n++) {
            slug = base + "-" + n;
        }
        return slug;
    }

    private static String key(String channel, String partnerOrganizationId) {
        return channel + "\u0000" + partnerOrganizationId;
    }
}
