package io.sentryconnect.web;

import io.micronaut.context.BeanProvider;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.micronaut.web.router.UriRouteMatch;
import io.sentryconnect.Endpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps a host's catch-all route off the plugin's paths. A single-page application's {@code @Get("/{+path}")} (or any
 * host route that reaches one of the plugin's groups only through a path variable) matches every request the plugin
 * has no route for: {@code GET} on the {@code POST}-only {@code /api/v1/links}, an unknown path under
 * {@code /api/v1/grants}, a mistyped browser step, and a request whose {@code Accept} or content type the plugin's
 * route does not take (the router passes that route over for the host's). The host's page answered them {@code 200},
 * where a caller of the plugin's API is owed the {@code 405} (with {@code Allow}), {@code 404}, {@code 406} or
 * {@code 415} it answers without the host. Here such a request is answered as the plugin answers it alone, before
 * the host's security runs (the host's route never would). A host route that names a path under a group itself ({@code /api/v1/grants/export}) is the host's choice
 * and keeps its answer (see {@link PluginErrorFormat}); one that clashes with a route of ours stops the start
 * ({@link RouteClashes}).
 */
@ServerFilter("/**")
final class CatchAllRoutes implements Ordered {
    private final Endpoints endpoints;
    private final BeanProvider<Router> router;

    CatchAllRoutes(Endpoints endpoints, BeanProvider<Router> router) {
        this.endpoints = endpoints;
        this.router = router;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before() - 5;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<?> keepOff(HttpRequest<?> request) {
        Optional<RouteInfo<?>> route = RouteAttributes.getRouteInfo(request);
        if (route.isEmpty() || !(route.get() instanceof UriRouteInfo<?, ?> matched) || PluginRoutes.ours(matched)) {
            return null;
        }
        Optional<String> group = endpoints.groupOf(request.getPath());
        if (group.isEmpty() || names(matched, endpoints.hostPath(group.get()))) {
            return null;
        }
        List<UriRouteInfo<Object, Object>> ours = pluginRoutesAt(router.get(), request);
        if (ours.isEmpty()) {
            return ApiProblemHandler.render(PluginErrorFormat.problemFor(HttpStatus.NOT_FOUND));
        }
        String method = request.getMethod() == HttpMethod.HEAD ? HttpMethod.GET.name() : request.getMethodName();
        List<UriRouteInfo<Object, Object>> sameMethod = ours.stream().filter(r -> r.getHttpMethodName().equals(method)).toList();
        if (sameMethod.isEmpty()) {
            return ApiProblemHandler.render(PluginErrorFormat.problemFor(HttpStatus.METHOD_NOT_ALLOWED))
                    .header(io.micronaut.http.HttpHeaders.ALLOW, allow(ours));
        }
        // A route of ours takes the method but not the request's Content-Type or Accept: the router passed it over
        // for the host's route, where alone the plugin's would have been answered 415 or 406, in Micronaut's order.
        List<UriRouteInfo<Object, Object>> consuming = sameMethod.stream()
                .filter(r -> r.doesConsume(request.getContentType().orElse(null))).toList();
        if (consuming.isEmpty()) {
            return ApiProblemHandler.render(PluginErrorFormat.problemFor(HttpStatus.UNSUPPORTED_MEDIA_TYPE));
        }
        if (consuming.stream().noneMatch(r -> r.doesProduce(request.accept()))) {
            return ApiProblemHandler.render(PluginErrorFormat.problemFor(HttpStatus.NOT_ACCEPTABLE));
        }
        return null; // ours would have taken it: the router chose the host's route for a reason of its own
    }

    /** The plugin's routes at the request's path, whatever their method or media types. */
    static List<UriRouteInfo<Object, Object>> pluginRoutesAt(Router router, HttpRequest<?> request) {
        return routesAt(router, request, null);
    }

    /**
     * The routes a caller may use at the request's path under a group mounted at {@code groupPath}: the plugin's, and
     * the host's that name a path under the group themselves; a catch-all's are not among them. A null
     * {@code groupPath}: the plugin's alone.
     */
    static List<UriRouteInfo<Object, Object>> routesAt(Router router, HttpRequest<?> request, @Nullable String groupPath) {
        List<UriRouteInfo<Object, Object>> routes = new ArrayList<>();
        for (UriRouteMatch<Object, Object> candidate : router.<Object, Object>findAny(request)) {
            UriRouteInfo<Object, Object> route = candidate.getRouteInfo();
            if (PluginRoutes.ours(route) || groupPath != null && names(route, groupPath)) {
                routes.add(route);
            }
        }
        return routes;
    }

    /** An {@code Allow} value of those routes' methods; HEAD with GET, as Micronaut answers HEAD on every GET route. */
    static String allow(List<UriRouteInfo<Object, Object>> routes) {
        Set<String> allowed = new TreeSet<>();
        for (UriRouteInfo<Object, Object> route : routes) {
            allowed.add(route.getHttpMethodName());
        }
        if (allowed.contains(HttpMethod.GET.name())) {
            allowed.add(HttpMethod.HEAD.name());
        }
        return String.join(", ", allowed);
    }

    /**
     * Whether a route's template names {@code groupPath} or a path below it before its first variable, as
     * {@code /api/v1/grants/export} does and {@code /{+path}} or {@code /api/{+rest}} do not.
     */
    static boolean names(UriRouteInfo<?, ?> route, String groupPath) {
        String template = route.getUriMatchTemplate().toString();
        int variable = template.indexOf('{');
        String literal = variable < 0 ? template : template.substring(0, variable);
        return literal.equals(groupPath) || literal.startsWith(groupPath.endsWith("/") ? groupPath : groupPath + "/");
    }
}
