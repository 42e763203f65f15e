package io.sentryconnect.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteAttributes;
import io.sentryconnect.Endpoints;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Lets a request under one of the plugin's paths that matched none of its routes through to the router, which then
 * answers it {@code 404}, {@code 405}, {@code 406} or {@code 415} (as problem+json, or the browser routes' page). Without
 * it, micronaut-security refuses every request that no rule allows, and a request without a route has no
 * {@code @Secured} to allow it: in a host, a wrong method or content type on the plugin's routes answered {@code 403}
 * (or the host's redirect for a browser), never what the plugin documents. The standalone service allows unrouted
 * requests by configuration ({@code intercept-url-map}), which a plugin cannot ship into a host.
 *
 * <p>It decides only what every other rule left undecided (it runs last), and only for the plugin's switched-on
 * paths: a host's own rules (its URL map, IP patterns) still come first, and the host's own paths are untouched. A
 * request that matched a route is the {@code @Secured} rule's; nothing here reaches a controller.
 */
@Singleton
@Requires(classes = SecurityRule.class)
@Requires(property = "sentry-connect.enabled", notEquals = "false")
final class UnroutedPluginRequests implements SecurityRule<HttpRequest<?>> {
    private static final Publisher<SecurityRuleResult> ALLOWED = Mono.just(SecurityRuleResult.ALLOWED);
    private static final Publisher<SecurityRuleResult> UNKNOWN = Mono.just(SecurityRuleResult.UNKNOWN);
    private final Endpoints endpoints;

    UnroutedPluginRequests(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public Publisher<SecurityRuleResult> check(@Nullable HttpRequest<?> request, @Nullable Authentication authentication) {
        if (request == null || RouteAttributes.getRouteMatch(request).isPresent() || !endpoints.owns(request.getPath())) {
            return UNKNOWN;
        }
        return ALLOWED;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
