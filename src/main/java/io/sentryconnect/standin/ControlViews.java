package io.sentryconnect.standin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the {@code /_standin/} controls answer: the fixtures, the provisioned organizations, settings, requests. */
final class ControlViews {
    private final Fixtures fixtures;
    private final Directory directory;
    private final StandInState state;
    private final Urls urls;

    ControlViews(Fixtures fixtures, Directory directory, StandInState state, Urls urls) {
        this.fixtures = fixtures;
        this.directory = directory;
        this.state = state;
        this.urls = urls;
    }

    static Map<String, Object> settingsView(Settings settings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("access_token_lifetime_s", settings.accessTokenLifetimeSeconds());
        m.put("refresh_rotation", settings.refreshRotation());
        m.put("rate_limit", settings.rateLimit());
        m.put("rate_limit_window_s", settings.rateLimitWindowSeconds());
        m.put("rate_limit_body", settings.rateLimitBody().jsonName());
        m.put("region_replica_lag_ms", settings.regionReplicaLagMs());
        m.put("refresh_race_ms", settings.refreshRaceMs());
        return m;
    }

    static Map<String, Object> entryView(RequestLogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origin", e.origin());
        m.put("method", e.method());
        m.put("path", e.path());
        m.put("query", e.query());
        m.put("grant_type", e.grantType());
        m.put("status", e.status());
        m.put("time", Times.format(e.time()));
        m.put("fault", e.fault());
        m.put("header_names", e.headerNames());
        return m;
    }

    Map<String, Object> fixturesView() {
        List<Map<String, Object>> users = new ArrayList<>();
        for (Fixtures.User u : fixtures.users()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", u.id());
            m.put("name", u.name());
            m.put("email", u.email());
            m.put("organizations", fixtures.organizationsOf(u.id()).stream().map(Fixtures.Organization::slug).toList());
            users.add(m);
        }
        List<Map<String, Object>> orgs = new ArrayList<>();
        for (Fixtures.Organization o : fixtures.organizations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("slug", o.slug());
            m.put("name", o.name());
            m.put("region", o.region());
            m.put("region_url", Urls.plain(urls.region(o.region())));
            orgs.add(m);
        }
        List<Map<String, Object>> memberships = new ArrayList<>();
        for (Fixtures.Membership ms : fixtures.memberships()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user_id", ms.userId());
            m.put("org_slug", ms.orgSlug());
            m.put("role", ms.role());
            memberships.add(m);
        }
        List<Map<String, Object>> projects = new ArrayList<>();
        for (Fixtures.Project p : fixtures.projects()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("org_slug", p.orgSlug());
            m.put("slug", p.slug());
            m.put("name", p.name());
            m.put("platform", p.platform());
            m.put("issue_count", fixtures.issuesOf(p.id()).size());
            projects.add(m);
        }
        List<Map<String, Object>> clients = new ArrayList<>();
        for (Fixtures.OAuthClient c : fixtures.oauthClients()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("client_id", c.clientId());
            // A dev-only secret from the fixture file; the service's dev configuration needs it.
            m.put("client_secret", c.clientSecret());
            m.put("name", c.name());
            m.put("redirect_uris", c.redirectUris());
            m.put("allowed_scopes", c.allowedScopes());
            clients.add(m);
        }
        Map<String, Object> regions = new LinkedHashMap<>();
        urls.regions().keySet().stream().sorted().forEach(r -> regions.put(r, Urls.plain(urls.region(r))));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("base_url", Urls.plain(urls.base()));
        view.put("regions", regions);
        view.put("users", users);
        view.put("organizations", orgs);
        view.put("memberships", memberships);
        view.put("projects", projects);
        view.put("oauth_client", clients.get(0));
        view.put("oauth_clients", clients);
        return view;
    }

    /** The organizations created through the Account Provisioning API, with members and projects; no tokens. */
    List<Map<String, Object>> provisionedView() {
        List<Map<String, Object>> view = new ArrayList<>();
        for (Directory.ProvisionedOrganization account : directory.provisioned()) {
            Fixtures.Organization org = directory.organizationById(account.orgId()).orElseThrow();
            Map<String, Object> orgView = new LinkedHashMap<>();
            orgView.put("id", org.id());
            orgView.put("slug", org.slug());
            orgView.put("name", org.name());
            orgView.put("region", org.region());
            orgView.put("region_url", Urls.plain(urls.region(org.region())));
            List<Map<String, Object>> members = new ArrayList<>();
            for (Fixtures.Membership ms : directory.memberships()) {
                if (ms.orgSlug().equals(org.slug()) && !ms.userId().equals(account.proxyUserId())) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("user_id", ms.userId());
                    m.put("email", directory.user(ms.userId()).map(Fixtures.User::email).orElse(null));
                    m.put("role", ms.role());
                    members.add(m);
                }
            }
            List<Map<String, Object>> projects = new ArrayList<>();
            for (Fixtures.Project p : directory.projectsOf(org.slug())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", p.id());
                m.put("slug", p.slug());
                m.put("name", p.name());
                m.put("platform", p.platform());
                m.put("dsn", directory.dsn(p.id()).orElse(null));
                projects.add(m);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("channel", account.channel());
            m.put("organization_id", account.partnerOrganizationId());
            m.put("is_test", account.isTest());
            m.put("organization", orgView);
            m.put("integration_user_id", account.proxyUserId());
            m.put("integration_token_active", account.integrationToken() != null
                    && state.authenticate(account.integrationToken()).status() == StandInState.TokenStatus.VALID);
            m.put("members", members);
            m.put("projects", projects);
            view.add(m);
        }
        return view;
    }
}
