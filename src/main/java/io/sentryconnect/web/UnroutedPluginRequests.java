package io.sentryconnect.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.Router;
import io.micronaut.context.BeanProvider;
import io.sentryconnect.Endpoints;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Lets a request for one of the plugin's routes that matched it in all but its method, content type or
 * {@code Accept} through to the router, which then answers it {@code 405}, {@code 415} or {@code 406} (as
 * problem+json, or the browser routes' page). Without it, micronaut-security refuses every request that no rule
 * allows, and a request that matched no route has no {@code @Secured} to allow it: in a host, a wrong method or
 * content type on the plugin's routes answered {@code 403} (or the host's redirect for a browser), never what the
 * plugin documents. The standalone service allows unrouted requests by configuration ({@code intercept-url-map}),
 * which a plugin cannot ship into a host.
 *
 * <p>Narrow on purpose, because an allowed request goes on to whatever else serves unrouted requests (static
 * resources, a host's filters after security): it decides only what every other rule left undecided (it runs
 * last), only under the plugin's switched-on paths, only for a plain path (no dot segment, empty segment, backslash
 * or percent-encoding, which a static resource resolver might resolve elsewhere), and only when the router knows a
 * route of the plugin's at that path. A path that is no route of the plugin's at all gets the host's answer to
 * unknown paths (micronaut-security's {@code reject-not-found}). A request that matched a route is the
 * {@code @Secured} rule's; nothing here reaches a controller.
 */
@Singleton
@Requires(classes = SecurityRule.class)
@Requires(property = "sentry-connect.enabled", notEquals = "false")
final class UnroutedPluginRequests implements SecurityRule<HttpRequest<?>> {
    private static final Publisher<SecurityRuleResult> ALLOWED = Mono.just(SecurityRuleResult.ALLOWED);
    private static final Publisher<SecurityRuleResult> UNKNOWN = Mono.just(SecurityRuleResult.UNKNOWN);
    private final Endpoints endpoints;
    private final BeanProvider<Router> router;

    UnroutedPluginRequests(Endpoints endpoints, BeanProvider<Router> router) {
        this.endpoints = endpoints;
        this.router = router;
    }

    @Override
    public Publisher<SecurityRuleResult> check(@Nullable HttpRequest<?> request, @Nullable Authentication authentication) {
        if (request == null || RouteAttributes.getRouteMatch(request).isPresent()) {
            return UNKNOWN;
        }
        String path = request.getPath();
        return plain(path) && endpoints.owns(path) && !CatchAllRoutes.pluginRoutesAt(router.get(), request).isEmpty()
                ? ALLOWED : UNKNOWN;
    }

    /** Segments only: nothing a resolver could read as another place. */
    static boolean plain(String path) {
        return path.startsWith("/") && !path.contains("//") && !path.contains("/.") && !path.contains("\\")
                && path.indexOf('%') < 0;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
