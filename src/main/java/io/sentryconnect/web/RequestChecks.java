package io.sentryconnect.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.Endpoints;
import io.sentryconnect.Inputs;

import java.util.List;
import java.util.Map;

/**
 * Refuses, on the plugin's routes only, what no handler of ours can read safely, before anything runs: a query
 * parameter with a control character or over {@link Inputs#MAX_QUERY_VALUE} characters (400, naming it), and a
 * request with more than one {@code Authorization} header (401: which credential counts would be the server's guess).
 * On the browser routes {@link PluginErrorFormat} turns these problems into the HTML error page.
 */
@ServerFilter("/**")
final class RequestChecks implements Ordered {
    private final Endpoints endpoints;

    RequestChecks(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public int getOrder() {
        // Before the security filter: a second Authorization header must not reach the token readers at all.
        return ServerFilterPhase.SECURITY.before() - 10;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<?> check(HttpRequest<?> request) {
        if (!endpoints.owns(request.getPath())) {
            return null;
        }
        if (request.getHeaders().getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
            return ApiProblemHandler.render(ApiProblem.ofStatus(io.micronaut.http.HttpStatus.UNAUTHORIZED, "unauthenticated",
                    "The request carries more than one Authorization header; send exactly one.")).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        String query = request.getUri().getRawQuery();
        if (query == null || query.isEmpty()) {
            // No query, no parameters: decoding them anyway was 2 % of the proxy's event-loop time.
            return null;
        }
        for (Map.Entry<String, List<String>> parameter : request.getParameters().asMap().entrySet()) {
            for (String value : parameter.getValue()) {
                if (!Inputs.clean(value, Inputs.MAX_QUERY_VALUE) || Inputs.hasControl(parameter.getKey())) {
                    String field = Inputs.clean(parameter.getKey(), Inputs.MAX_ID) ? parameter.getKey() : "query";
                    return ApiProblemHandler.render(ApiProblem.invalidField(field, "Query parameter " + field
                            + " holds a control character or is longer than " + Inputs.MAX_QUERY_VALUE + " characters."));
                }
            }
        }
        return null;
    }
}
