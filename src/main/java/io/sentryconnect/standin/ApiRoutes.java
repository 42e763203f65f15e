package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /api/0/} URL patterns the stand-in knows, as data, taken from Sentry's {@code src/sentry/api/urls.py}:
 * each with Sentry's URL name, its regular expression (the part after {@code /api/0/}; the group {@code org} is
 * Sentry's {@code organization_id_or_slug} keyword argument), where it is served and the endpoint class it resolves
 * to. The org-scoped token rule and the rate-limit buckets read these; nothing else needs to know which URLs name an
 * organization.
 */
final class ApiRoutes {

    /** Which origins serve a route: the main origin (control silo), the regions, or both. */
    enum Silo { MAIN, REGION, ANY }

    /**
     * The endpoint class a URL resolves to, as far as the rate limit cares: its name, the rate-limit group of its
     * {@code rate_limits} ({@code RateLimitConfig.group}, {@code "default"} when it declares none) and whether it
     * declares limits of its own ({@code RateLimitConfig.has_custom_limit}), which puts its name into the bucket's key.
     */
    record View(String name, String group, boolean ownLimits) {
        /** An endpoint without {@code rate_limits}: {@code DEFAULT_RATE_LIMIT_CONFIG} of src/sentry/ratelimits/config.py. */
        static View shared(String name) {
            return new View(name, "default", false);
        }

        static View withOwnLimits(String name, String group) {
            return new View(name, group, true);
        }
    }

    /** One URL pattern; {@code served} is false for patterns that exist in Sentry but that the stand-in answers 404. */
    record Route(String name, Pattern pattern, Silo silo, boolean served, View view) {
        boolean namesOrganization() {
            return pattern.pattern().contains("(?<org>");
        }

        boolean servedAt(Origin origin) {
            return served && switch (silo) {
                case MAIN -> origin.isMain();
                case REGION -> !origin.isMain();
                case ANY -> true;
            };
        }
    }

    /** A route matched by a path, with its path arguments. */
    record Match(Route route, Matcher matcher) {
        @Nullable
        String organization() {
            return route.namesOrganization() ? matcher.group("org") : null;
        }

        String group(String name) {
            return matcher.group(name);
        }
    }

    /** The list of organizations, the one URL without an organization that org-scoped tokens may call. */
    static final String ORGANIZATIONS = "sentry-api-0-organizations";

    private static final String ORG = "(?<org>[^/]+)";

    /**
     * Sentry's last URL pattern ({@code src/sentry/api/endpoints/catchall.py}), what an unknown path resolves to; it
     * declares no {@code rate_limits}.
     */
    static final View CATCHALL = View.shared("CatchallEndpoint");

    // src/sentry/issues/endpoints/group_details.py: GroupDetailsEndpoint.rate_limits overrides GET, PUT and DELETE,
    // and both of its URLs below resolve to it, so they draw from one bucket.
    private static final View GROUP_DETAILS = View.withOwnLimits("GroupDetailsEndpoint", "default");

    // The view of each route and whether its class declares rate_limits, read from the file named beside it.
    static final List<Route> ROUTES = List.of(
            // src/sentry/api/endpoints/index.py
            route("sentry-api-index", "", Silo.ANY, true, View.shared("IndexEndpoint")),
            // src/sentry/core/endpoints/organization_index.py
            route(ORGANIZATIONS, "organizations/", Silo.ANY, true, View.shared("OrganizationIndexEndpoint")),
            // src/sentry/core/endpoints/organization_details.py
            route("sentry-api-0-organization-details", "organizations/" + ORG + "/", Silo.REGION, true,
                    View.shared("OrganizationDetailsEndpoint")),
            // src/sentry/core/endpoints/organization_projects.py
            route("sentry-api-0-organization-projects", "organizations/" + ORG + "/projects/", Silo.REGION, true,
                    View.shared("OrganizationProjectsEndpoint")),
            // src/sentry/api/urls.py: organizations/{org}/(?:issues|groups)/ is OrganizationGroupIndexEndpoint
            // (src/sentry/issues/endpoints/organization_group_index.py: enforce_rate_limit, no rate_limits)
            route("sentry-api-0-organization-group-index",
                    "organizations/" + ORG + "/(?:issues|groups)/", Silo.REGION, true,
                    View.shared("OrganizationGroupIndexEndpoint")),
            // create_group_urls("sentry-api-0-organization-group") under organizations/{org}/(?:issues|groups)/
            route("sentry-api-0-organization-group-group-details",
                    "organizations/" + ORG + "/(?:issues|groups)/(?<issue>[^/]+)/", Silo.REGION, true, GROUP_DETAILS),
            // src/sentry/issues/endpoints/project_group_index.py: rate_limits overrides GET
            route("sentry-api-0-project-group-index",
                    "projects/" + ORG + "/(?<project>[^/]+)/(?:issues|groups)/", Silo.REGION, true,
                    View.withOwnLimits("ProjectGroupIndexEndpoint", "default")),
            // src/sentry/core/endpoints/project_details.py (ProjectDetailsEndpoint, no rate_limits)
            route("sentry-api-0-project-details", "projects/" + ORG + "/(?<project>[^/]+)/", Silo.REGION, true,
                    View.shared("ProjectDetailsEndpoint")),
            // create_group_urls("sentry-api-0") under the bare (?:issues|groups)/
            route("sentry-api-0-group-details", "(?:issues|groups)/(?<issue>[^/]+)/", Silo.REGION, true, GROUP_DETAILS),
            // The release file uploads (multipart/form-data): src/sentry/api/urls.py, version as (?P<version>[^/]+).
            // src/sentry/releases/endpoints/organization_release_files.py: rate_limits overrides GET and POST.
            route("sentry-api-0-organization-release-files",
                    "organizations/" + ORG + "/releases/(?<version>[^/]+)/files/", Silo.REGION, true,
                    View.withOwnLimits("OrganizationReleaseFilesEndpoint", "default")),
            // src/sentry/releases/endpoints/project_release_files.py: RateLimitConfig(group="CLI", GET overridden)
            route("sentry-api-0-project-release-files",
                    "projects/" + ORG + "/(?<project>[^/]+)/releases/(?<version>[^/]+)/files/", Silo.REGION, true,
                    View.withOwnLimits("ProjectReleaseFilesEndpoint", "CLI")),
            // src/sentry/core/endpoints/team_projects.py (TeamProjectsEndpoint, no rate_limits); urls.py names the
            // team teams/{org}/{team}/ (team_id_or_slug beside organization_id_or_slug)
            route("sentry-api-0-team-project-index", "teams/" + ORG + "/(?<team>[^/]+)/projects/", Silo.REGION, true,
                    View.shared("TeamProjectsEndpoint")),
            // src/sentry/users/api/endpoints/user_regions.py
            route("sentry-api-0-user-regions", "users/(?<user>[^/]+)/regions/", Silo.MAIN, true,
                    View.shared("UserRegionsEndpoint")),
            // Known to Sentry, not served here: org-scoped tokens are refused on them all the same.
            // src/sentry/users/api/endpoints/user_details.py, src/sentry/core/endpoints/project_index.py
            route("sentry-api-0-user-details", "users/(?<user>[^/]+)/", Silo.MAIN, false,
                    View.shared("UserDetailsEndpoint")),
            route("sentry-api-0-projects", "projects/", Silo.REGION, false, View.shared("ProjectIndexEndpoint")),
            // src/sentry/core/endpoints/team_details.py: it names an organization, so org-scoped tokens of that
            // organization pass authentication; the stand-in then answers 404
            route("sentry-api-0-team-details", "teams/" + ORG + "/(?<team>[^/]+)/", Silo.REGION, false,
                    View.shared("TeamDetailsEndpoint")));

    private ApiRoutes() {
    }

    private static Route route(String name, String regex, Silo silo, boolean served, View view) {
        return new Route(name, Pattern.compile("^" + regex + "$"), silo, served, view);
    }

    /**
     * The route of an {@code /api/0/…} path, if any. Every route ends in a slash; a path without one never gets here
     * ({@code ApiEndpoints} answers it as Sentry's catch-all does).
     */
    static Optional<Match> resolve(String path) {
        String rest = path.length() <= "/api/0".length() ? "" : path.substring("/api/0/".length());
        for (Route route : ROUTES) {
            Matcher matcher = route.pattern().matcher(rest);
            if (matcher.matches()) {
                return Optional.of(new Match(route, matcher));
            }
        }
        return Optional.empty();
    }
}
