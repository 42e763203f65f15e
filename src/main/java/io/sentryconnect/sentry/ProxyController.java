package io.sentryconnect.sentry;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.body.CloseableAvailableByteBody;
import io.micronaut.http.exceptions.ContentLengthExceededException;
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
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.ServiceFailure;
import io.sentryconnect.AsIs;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code {GET,POST,PUT,DELETE} /api/v1/grants/{id}/sentry/{path}}: Sentry's API through the grant. The path is taken
 * raw from the request URI (not the router's decoded {@code path} variable, which is bound only because the route
 * declares it), so that encoded traversal cannot hide in it.
 */
@Controller(Endpoints.GRANTS_PATH + "/{id}/sentry")
@Requires(property = Endpoints.GRANTS_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
class ProxyController {
    private static final java.util.regex.Pattern SLASH = java.util.regex.Pattern.compile("%2F", java.util.regex.Pattern.CASE_INSENSITIVE);
    private final SentryApi sentry;
    private final NonBlockingCalls nonBlocking;
    private final Endpoints endpoints;

    ProxyController(SentryApi sentry, NonBlockingCalls nonBlocking, Endpoints endpoints) {
        this.sentry = sentry;
        this.nonBlocking = nonBlocking;
        this.endpoints = endpoints;
    }

    /** On the event loop: a call on a cached grant blocks nothing ({@link NonBlockingCalls}). */
    @Get("/{+path}")
    CompletableFuture<MutableHttpResponse<byte[]>> get(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request) {
        return forwardNonBlocking(caller, id, request, HttpMethod.GET);
    }

    /** Sends no body to Sentry: a body of any type is ignored, as on GET, rather than the router's {@code 415}. */
    @Delete(value = "/{+path}", consumes = "*/*")
    CompletableFuture<MutableHttpResponse<byte[]>> delete(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request) {
        return forwardNonBlocking(caller, id, request, HttpMethod.DELETE);
    }

    /** On the blocking executor: the body is read whole first. */
    @Post(value = "/{+path}", consumes = "*/*")
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> post(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request) {
        return forward(caller, id, request, HttpMethod.POST, rawBody(request));
    }

    @Put(value = "/{+path}", consumes = "*/*")
    @ExecuteOn(TaskExecutors.BLOCKING)
    MutableHttpResponse<byte[]> put(PlatformCaller caller, @PathVariable String id, @PathVariable("path") String ignoredDecodedPath, HttpRequest<?> request) {
        return forward(caller, id, request, HttpMethod.PUT, rawBody(request));
    }

    /**
     * The body's bytes as they came, whatever the content type (multipart and form-encoded included): a
     * {@code @Body byte[]} argument would have the framework decode form-encoded and multipart bodies first (and
     * fail). Read whole, within the server's {@code micronaut.server.max-request-size} (a larger body is the
     * framework's {@code 413} before anything is sent), so that a 401's refresh-and-retry can send them again.
     * Sentry decides what it accepts. The body is claimed, not split: nothing else reads it, and a split's other
     * half, never read, held back a streamed (chunked) body past its first buffers, so its read never completed.
     */
    private static byte @Nullable [] rawBody(HttpRequest<?> request) {
        if (!(request instanceof ServerHttpRequest<?> server)) {
            return request.getBody(byte[].class).orElse(null);
        }
        try (CloseableAvailableByteBody body = server.byteBody().buffer().get()) {
            return body.length() == 0 ? null : body.toByteArray();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ContentLengthExceededException tooLarge) {
                // A chunked body that outgrew the limit: the framework's 413, as for a declared length over it.
                throw tooLarge;
            }
            throw new BodyUnreadable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceFailure("Interrupted while reading the request body.");
        }
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> forwardNonBlocking(PlatformCaller caller, String id,
                                                                               HttpRequest<?> request, HttpMethod method) {
        UUID grantId = Grant.parseId(id);
        return nonBlocking.call(caller, grantId, outgoing(id, request, method, null)).thenApply(ProxyController::answer);
    }

    private MutableHttpResponse<byte[]> forward(PlatformCaller caller, String id, HttpRequest<?> request, HttpMethod method,
                                                byte @Nullable [] body) {
        UUID grantId = Grant.parseId(id);
        return answer(sentry.call(caller, grantId, outgoing(id, request, method, body)));
    }

    private SentryRequest outgoing(String id, HttpRequest<?> request, HttpMethod method, byte @Nullable [] body) {
        String rawPath = endpoints.routePath(request.getUri().getRawPath());
        String prefix = endpoints.path("grants") + "/" + id + "/sentry/";
        if (!rawPath.startsWith(prefix)) {
            throw new InvalidRequest("path", "The Sentry API path may only hold plain segments under /api/0/.");
        }
        // A generated client encodes the path parameter's slashes as %2F (OpenAPI has no reserved path parameters): only
        // that encoding is read, as the separator it stands for; SentryPath then refuses every other one as before.
        String path = rawPath.substring(prefix.length());
        if (path.indexOf('%') >= 0) {
            path = SLASH.matcher(path).replaceAll("/");
        }
        return new SentryRequest(method, path, request.getUri().getRawQuery(),
                request.getContentType().map(Object::toString).orElse(null), body);
    }

    private static MutableHttpResponse<byte[]> answer(SentryResponse response) {
        // Sentry's answer, errors included, is the caller's to read: never reformatted as ours.
        MutableHttpResponse<byte[]> result = AsIs.mark(HttpResponse.<byte[]>status(HttpStatus.valueOf(response.status())));
        String contentType = response.header(HttpHeaders.CONTENT_TYPE).orElse(null);
        if (response.body().length > 0 || contentType != null) {
            // A bodiless answer without a type (a 3xx, a 204) stays so: a body, even empty, would get the route's JSON type.
            result.body(response.body());
        }
        response.headers().forEach((name, values) -> values.forEach(v -> result.getHeaders().add(name, v)));
        if (!isJson(contentType)) {
            // Sentry's HTML, SVG or anything else must not render as a page of our origin (nosniff comes with every
            // answer of ours, web/PluginErrorFormat): no scripts, no same-origin, and a download rather than a page.
            result.getHeaders().set("Content-Security-Policy", "sandbox; default-src 'none'");
            result.getHeaders().set(HttpHeaders.CONTENT_DISPOSITION, "attachment");
        }
        return result;
    }

    private static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
