package io.sentryconnect.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.sentryconnect.Endpoints;

/**
 * The headers every answer on the plugin's routes carries (never the host's): {@code X-Content-Type-Options: nosniff},
 * and {@code Cache-Control: no-store} unless the answer set its own, since every one of them is a caller's own data
 * (a single-use link URL, grants, events, Sentry's data) or a single-use browser step.
 */
@ServerFilter("/**")
final class ResponseHeaders implements Ordered {
    static final String NOSNIFF = "nosniff";

    private final Endpoints endpoints;

    ResponseHeaders(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public int getOrder() {
        // Outside the error format, so that its replaced answers get the headers too.
        return ServerFilterPhase.FIRST.before() - 1;
    }

    @ResponseFilter
    void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!endpoints.owns(request.getPath())) {
            return;
        }
        response.getHeaders().set("X-Content-Type-Options", NOSNIFF);
        if (response.getHeaders().get(HttpHeaders.CACHE_CONTROL) == null) {
            response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }
}
