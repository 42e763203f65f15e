package io.sentryconnect.web;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.sentryconnect.Endpoints;
import io.sentryconnect.StartCheck;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Stops the start when one of the plugin's routes has the same method and path as one of the host's. Micronaut would
 * start and then answer such a request {@code 400 More than 1 route matched}: the host's own route would be broken by
 * adding a dependency, with nothing said at the start. The message names the group's key, which moves the plugin's
 * routes out of the way. A {@link StartCheck}, so the plugin's migrations ask it first and a clash leaves the host's
 * schema untouched; the router is looked up only when asked (on the start-up event), once every route is known.
 */
@Singleton
@Requires(property = "sentry-connect.enabled", notEquals = "false")
@Requires(beans = Router.class)
final class RouteClashes implements StartCheck {
    /** A path variable, whatever its name: {@code /grants/{id}} and {@code /grants/{grantId}} are one route. */
    private static final Pattern VARIABLE = Pattern.compile("\\{[^}?&/]*}");
    private final BeanProvider<Router> router;
    private final Endpoints endpoints;

    RouteClashes(BeanProvider<Router> router, Endpoints endpoints) {
        this.router = router;
        this.endpoints = endpoints;
    }

    /** Asked twice at a start (by the start-up checks and by the migration): the routes are read once. */
    private volatile boolean clear;

    @Override
    public void verify() {
        if (clear) {
            return;
        }
        Map<String, List<UriRouteInfo<?, ?>>> routes = router.get().uriRoutes()
                .collect(Collectors.groupingBy(RouteClashes::shape));
        for (Map.Entry<String, List<UriRouteInfo<?, ?>>> same : routes.entrySet()) {
            List<String> owners = same.getValue().stream().map(RouteClashes::owner).distinct().toList();
            boolean ours = owners.stream().anyMatch(PluginRoutes::ours);
            String host = owners.stream().filter(o -> !PluginRoutes.ours(o)).findFirst().orElse(null);
            if (ours && host != null) {
                throw new ConfigurationException(same.getKey() + " is both the host's (" + host + ") and sentry-connect's: "
                        + "move the plugin's routes with " + groupKey(same.getKey()) + " (the README: Moving the endpoint groups).");
            }
        }
        clear = true;
    }

    private static String shape(UriRouteInfo<?, ?> route) {
        String path = route.getUriMatchTemplate().toPathString();
        int query = path.indexOf("{?");
        path = VARIABLE.matcher(query < 0 ? path : path.substring(0, query)).replaceAll("{}");
        return route.getHttpMethodName() + " " + (path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }

    private static String owner(UriRouteInfo<?, ?> route) {
        return route.getTargetMethod().getDeclaringType().getName();
    }

    private String groupKey(String methodAndPath) {
        String path = methodAndPath.substring(methodAndPath.indexOf(' ') + 1);
        return "sentry-connect.endpoints." + endpoints.groupOf(path).orElse("<group>") + ".path";
    }
}
