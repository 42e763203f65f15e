package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /api/0/} URL patterns the stand-in knows, as data, taken from Sentry's {@code src/sentry/api/urls.py}:
 * each with Sentry's URL name, its regular expression (the part after {@code /api/0/}; the group {@code org} is
 * Sentry's {@code organization_id_or_slug} keyword argument) and where it is served. The org-scoped token rule and
 * the rate-limit buckets read these; nothing else needs to know which URLs name an organization.
 */
final class ApiRoutes {

    /** Which origins serve a route: the main origin (control silo), the regions, or both. */
    enum Silo { MAIN, REGION, ANY }

    /** One URL pattern; {@code served} is false for patterns that exist in Sentry but that the stand-in answers 404. */
    record Route(String name, Pattern pattern, Silo silo, boolean served) {
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

    static final List<Route> ROUTES = List.of(
            route("sentry-api-index", "", Silo.ANY, true),
            route(ORGANIZATIONS, "organizations/", Silo.ANY, true),
            route("sentry-api-0-organization-details", "organizations/" + ORG + "/", Silo.REGION, true),
            route("sentry-api-0-organization-projects", "organizations/" + ORG + "/projects/", Silo.REGION, true),
            // src/sentry/api/urls.py: organizations/{org}/(?:issues|groups)/ is OrganizationGroupIndexEndpoint
            route("sentry-api-0-organization-group-index",
                    "organizations/" + ORG + "/(?:issues|groups)/", Silo.REGION, true),
            // create_group_urls("sentry-api-0-organization-group") under organizations/{org}/(?:issues|groups)/
            route("sentry-api-0-organization-group-group-details",
                    "organizations/" + ORG + "/(?:issues|groups)/(?<issue>[^/]+)/", Silo.REGION, true),
            route("sentry-api-0-project-group-index",
                    "projects/" + ORG + "/(?<project>[^/]+)/(?:issues|groups)/", Silo.REGION, true),
            // create_group_urls("sentry-api-0") under the bare (?:issues|groups)/
            route("sentry-api-0-group-details", "(?:issues|groups)/(?<issue>[^/]+)/", Silo.REGION, true),
            // The release file uploads (multipart/form-data): src/sentry/api/urls.py, version as (?P<version>[^/]+).
            route("sentry-api-0-organization-release-files",
                    "organizations/" + ORG + "/releases/(?<version>[^/]+)/files/", Silo.REGION, true),
            route("sentry-api-0-project-release-files",
                    "projects/" + ORG + "/(?<project>[^/]+)/releases/(?<version>[^/]+)/files/", Silo.REGION, true),
            route("sentry-api-0-user-regions", "users/(?<user>[^/]+)/regions/", Silo.MAIN, true),
            // Known to Sentry, not served here: org-scoped tokens are refused on them all the same.
            route("sentry-api-0-user-details", "users/(?<user>[^/]+)/", Silo.MAIN, false),
            route("sentry-api-0-projects", "projects/", Silo.REGION, false));

    private ApiRoutes() {
    }

    private static Route route(String name, String regex, Silo silo, boolean served) {
        return new Route(name, Pattern.compile("^" + regex + "$"), silo, served);
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
