package io.sentryconnect.sentry;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.web.ApiProblem;
import io.sentryconnect.web.PluginErrorFormat;

import java.util.UUID;

/**
 * {@code {GET,POST,PUT,DELETE} /api/v1/grants/{id}/sentry/{path}}: Sentry's API through the grant. The path is taken
 * raw from the request URI (not the router's decoded {@code path} variable, which is bound only because the route
 * declares it), so that encoded traversal cannot hide in it.
 */
@Controller(Endpoints.GRANTS_PATH + "/{id}/sentry")
@Requires(property = Endpoints.GRANTS_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class ProxyController {
    private final SentryApi sentry;
    private final Endpoints endpoints;

    ProxyController(SentryApi sentry, Endpoints endpoints) {
        this.sentry = sentry;
        this.endpoints = endpoints;
    }

    @Get("/{+path}")
    MutableHttpResponse<byte[]> get(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request) {
        return forward(caller, id, request, HttpMethod.GET, null);
    }

    @Delete("/{+path}")
    MutableHttpResponse<byte[]> delete(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request) {
        return forward(caller, id, request, HttpMethod.DELETE, null);
    }

    @Post(value = "/{+path}", consumes = "*/*")
    MutableHttpResponse<byte[]> post(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request, @Body @Nullable byte[] body) {
        return forward(caller, id, request, HttpMethod.POST, body);
    }

    @Put(value = "/{+path}", consumes = "*/*")
    MutableHttpResponse<byte[]> put(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request, @Body @Nullable byte[] body) {
        return forward(caller, id, request, HttpMethod.PUT, body);
    }

    private MutableHttpResponse<byte[]> forward(PlatformCaller caller, String id, HttpRequest<?> request, HttpMethod method,
                                                byte @Nullable [] body) {
        UUID grantId = Grant.parseId(id);
        String rawPath = request.getUri().getRawPath();
        String prefix = endpoints.path("grants") + "/" + id + "/sentry/";
        if (!rawPath.startsWith(prefix)) {
            throw ApiProblem.invalidField("path", "The Sentry API path may only hold plain segments under /api/0/.");
        }
        SentryRequest outgoing = new SentryRequest(method, rawPath.substring(prefix.length()), request.getUri().getRawQuery(),
                request.getContentType().map(Object::toString).orElse(null), body);
        SentryResponse response = sentry.call(caller, grantId, outgoing);
        // Sentry's answer, errors included, is the caller's to read: never reformatted as ours.
        MutableHttpResponse<byte[]> result = PluginErrorFormat.asIs(
                HttpResponse.<byte[]>status(HttpStatus.valueOf(response.status())).body(response.body()));
        response.headers().forEach((name, values) -> values.forEach(v -> result.getHeaders().add(name, v)));
        return result;
    }

}
