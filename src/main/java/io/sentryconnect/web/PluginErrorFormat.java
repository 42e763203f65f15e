package io.sentryconnect.web;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import io.sentryconnect.AsIs;
import io.sentryconnect.Endpoints;


/**
 * One error format on the plugin's routes: every error answer there that is not already our problem+json (a refused
 * credential from the host's security, an unknown route, a wrong method, a body the framework could not read, an
 * unexpected failure) is replaced by an RFC 9457 problem with a {@code code} and a detail of our own, which never
 * echoes the request or names a class; on the browser routes (the connect group) every error answer not marked
 * {@link AsIs}, problems included, becomes the flow's HTML error page instead ({@link BrowserErrorPages}); and every
 * answer there carries {@code nosniff} and, unless it sets its own, {@code Cache-Control: no-store}, and the request id ({@link RequestLogContext}). A filter on our paths rather than
 * a replaced framework bean ({@code ErrorResponseProcessor}, the authorization handler): the host application's own
 * errors stay exactly its own.
 */
@ServerFilter("/**")
public final class PluginErrorFormat implements Ordered {
    private final Endpoints endpoints;
    private final DomainProblems problems;
    private final io.micronaut.context.BeanProvider<io.micronaut.web.router.Router> router;

    PluginErrorFormat(Endpoints endpoints, DomainProblems problems, io.micronaut.context.BeanProvider<io.micronaut.web.router.Router> router) {
        this.endpoints = endpoints;
        this.problems = problems;
        this.router = router;
    }

    @Override
    public int getOrder() {
        // Outermost: it sees the answer after every other filter, the security filter's refusals included.
        return ServerFilterPhase.FIRST.before() - 1;
    }

    @ResponseFilter
    void format(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!endpoints.owns(request.getPath()) || hostsOwnAnswer(request, response)) {
            return;
        }
        if (response.code() >= 400 && !AsIs.marked(response) && !ApiProblemHandler.rendered(response)) {
            answerAsThePluginDoes(response);
        }
        boolean browser = browserRoute(request);
        if (response.code() >= 400 && !AsIs.marked(response) && browser) {
            BrowserErrorPages.replace(response);
        } else if (response.code() >= 400 && managementEndpoint(request)) {
            managementError(response);
        } else if (response.code() >= 400) {
            replaceFrameworkError(response);
        }
        if (browser) {
            // Our pages' policy alone (set replaces every value): a host-wide one (micronaut-views' CSP filter, say)
            // would be a second header, browsers apply both, and a host's form-action 'self' blocks the way to Sentry.
            response.getHeaders().set("Content-Security-Policy", HtmlPages.CONTENT_SECURITY_POLICY);
        }
        java.util.Optional<String> group = response.code() == 405 ? endpoints.groupOf(request.getPath()) : java.util.Optional.empty();
        if (group.isPresent()) {
            // Micronaut's 405 names every route's methods at the path, a host's catch-all's too: a caller may use
            // ours there, and a host route's that names the path itself.
            java.util.List<io.micronaut.web.router.UriRouteInfo<Object, Object>> usable =
                    CatchAllRoutes.routesAt(router.get(), request, endpoints.hostPath(group.get()));
            if (!usable.isEmpty()) {
                response.getHeaders().set(HttpHeaders.ALLOW, CatchAllRoutes.allow(usable));
            }
        }
        if (response.code() == 401 && !AsIs.marked(response)) {
            // The plugin's routes take a bearer token only: the host's challenges (Basic, say) are not theirs.
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        RequestLogContext.echoRequestId(request, response);
        // Every answer of ours is a caller's own data (a single-use link URL, grants, events, Sentry's data) or a
        // single-use browser step: never sniffed, never cached unless the answer says otherwise.
        response.getHeaders().set("X-Content-Type-Options", "nosniff");
        if (response.getHeaders().get(HttpHeaders.CACHE_CONTROL) == null) {
            response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }

    /**
     * The answer of a route of the host's that names a path under one of our groups itself (a catch-all's never gets
     * here: {@link CatchAllRoutes} answers those requests): the host chose the path, so the page, its headers and its
     * errors stay the host's. Not an error route, which also answers the plugin's failures (a host's
     * {@code @Error(global = true)}): the request then carries that route, and the answer is still ours to fix. The
     * standalone service has no host: there every path is ours, its management endpoints' outside our groups too.
     */
    private boolean hostsOwnAnswer(HttpRequest<?> request, MutableHttpResponse<?> response) {
        return !ApiProblemHandler.rendered(response) && !AsIs.marked(response)
                && endpoints.groupOf(request.getPath()).isPresent()
                && RouteAttributes.getRouteInfo(request).filter(route -> route instanceof io.micronaut.web.router.UriRouteInfo<?, ?> uri
                        && !PluginRoutes.ours(uri) && !managementRoute(uri)).isPresent();
    }

    /**
     * An error answer on our routes that the plugin's handlers did not write, although the failure is one they answer:
     * a host's {@code @Error(global = true)} route runs before every {@code ExceptionHandler} bean and so took it (a
     * catch-all made a {@code 404 grant_not_found} a {@code 500}). The failure is still on the answer: for one of
     * ours, the answer becomes the plugin's problem; for the framework's own, the status its handler gives it.
     */
    private void answerAsThePluginDoes(MutableHttpResponse<?> response) {
        Throwable failure = RouteAttributes.getException(response).orElse(null);
        ApiProblem own = null;
        for (Throwable t = failure; t != null && own == null; t = t.getCause() == t ? null : t.getCause()) {
            own = t instanceof ApiProblem problem ? problem
                    : t instanceof io.sentryconnect.SentryConnectException domain ? problems.problem(domain) : null;
        }

        if (own != null) {
            MutableHttpResponse<?> rendered = ApiProblemHandler.render(own);
            response.status(rendered.status());
            rendered.getHeaders().forEach((name, values) -> {
                response.getHeaders().remove(name);
                values.forEach(value -> response.getHeaders().add(name, value));
            });
            response.body(ApiProblemHandler.body(own)).contentType(ApiProblemHandler.PROBLEM_JSON);
            ApiProblemHandler.mark(response);
        } else if (failure != null) {
            frameworkStatus(failure).filter(status -> status != response.code()).ifPresent(response::status);
            if (failure instanceof io.micronaut.http.server.exceptions.NotAllowedException notAllowed
                    && response.getHeaders().get(HttpHeaders.ALLOW) == null) {
                // A 405 names the methods the route takes (RFC 9110), as Micronaut's own handler does.
                response.getHeaders().allowGeneric(notAllowed.getAllowedMethods());
            }
        }
    }

    /** The status Micronaut's own exception handlers (and micronaut-security's) give a failure of the framework's. */
    static java.util.Optional<Integer> frameworkStatus(Throwable failure) {
        if (failure instanceof io.micronaut.http.exceptions.HttpStatusException status) {
            return java.util.Optional.of(status.getStatus().getCode()); // 404, 405, 406, 415 among them
        }
        if (failure instanceof io.micronaut.http.exceptions.ContentLengthExceededException
                || failure instanceof io.micronaut.http.exceptions.BufferLengthExceededException) {
            return java.util.Optional.of(413);
        }
        if (failure instanceof io.micronaut.security.authentication.AuthorizationException refused) {
            return java.util.Optional.of(refused.isForbidden() ? 403 : 401);
        }
        if (failure instanceof io.micronaut.core.convert.exceptions.ConversionErrorException
                || failure instanceof io.micronaut.web.router.exceptions.UnsatisfiedRouteException
                || failure instanceof io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException
                || failure instanceof io.micronaut.web.router.exceptions.DuplicateRouteException
                || failure instanceof io.micronaut.json.JsonSyntaxException
                || failure instanceof java.net.URISyntaxException
                || failure instanceof com.fasterxml.jackson.core.JacksonException
                || failure instanceof jakarta.validation.ConstraintViolationException) {
            return java.util.Optional.of(400);
        }
        return java.util.Optional.empty();
    }

    private static void replaceFrameworkError(MutableHttpResponse<?> response) {
        int status = response.code();
        if (status < 400 || AsIs.marked(response) || ApiProblemHandler.rendered(response)) {
            return;
        }
        ApiProblem problem = problemFor(HttpStatus.valueOf(status));
        String wrongType = status == 400 ? FrameworkErrorField.wrongTypeDetail(response) : null;
        if (wrongType != null) {
            problem = ApiProblem.ofStatus(problem.getStatus(), problem.code(), wrongType);
        }
        String field = status == 400 ? FrameworkErrorField.of(response) : null;
        if (field != null) {
            problem = problem.withField(field);
        }
        response.body(ApiProblemHandler.body(problem)).contentType(ApiProblemHandler.PROBLEM_JSON);
    }

    /** A route a browser opens: its errors are pages, problem+json ones (RequestChecks', a handler's) included. */
    private boolean browserRoute(HttpRequest<?> request) {
        return endpoints.groupOf(request.getPath()).filter(BrowserErrorPages.GROUP::equals).isPresent();
    }

    /**
     * An error of the standalone service's management endpoints: {@code /health}'s {@code 503} DOWN keeps its own
     * documented shape, which monitoring reads; any other is ours. A {@code 400} there is a selector the endpoint does
     * not know ({@code /health/bogus}, which Micronaut answers with a conversion error naming its enum): to a caller
     * that is a path that does not exist, so it answers as an unknown path does, {@code 404 not_found}. Only in the
     * standalone service: in a host these paths are the host's, which this filter never touches.
     */
    private static void managementError(MutableHttpResponse<?> response) {
        if (response.code() == 503) {
            return;
        }
        if (response.code() == 400) {
            response.status(HttpStatus.NOT_FOUND);
        }
        replaceFrameworkError(response);
    }

    /** Matched by package, as micronaut-management is not on a host's classpath. */
    private static boolean managementEndpoint(HttpRequest<?> request) {
        return RouteAttributes.getRouteInfo(request).filter(PluginErrorFormat::managementRoute).isPresent();
    }

    private static boolean managementRoute(io.micronaut.web.router.RouteInfo<?> route) {
        return route.getDeclaringType().getName().startsWith("io.micronaut.management.");
    }

    static ApiProblem problemFor(HttpStatus status) {
        return switch (status.getCode()) {
            case 400 -> ApiProblem.ofStatus(status, "invalid_request",
                    "The request could not be read: check its parameters and its JSON body against the API reference.");
            case 401 -> ApiProblem.ofStatus(status, "unauthenticated", "A valid platform credential is required, e.g. "
                    + "Authorization: Bearer <JWT> with the expected issuer, audience, expiry, tenant and user claims.");
            case 403 -> ApiProblem.ofStatus(status, "forbidden", "The caller may not make this request.");
            case 404 -> ApiProblem.ofStatus(status, "not_found", "There is no such endpoint.");
            case 405 -> ApiProblem.ofStatus(status, "method_not_allowed", "This endpoint does not accept this method.");
            case 406 -> ApiProblem.ofStatus(status, "not_acceptable", "This endpoint cannot answer in the requested media type.");
            case 413 -> ApiProblem.ofStatus(status, "payload_too_large", "The request body is too large.");
            case 415 -> ApiProblem.ofStatus(status, "unsupported_media_type", "This endpoint does not accept this content type.");
            default -> status.getCode() >= 500
                    ? ApiProblem.ofStatus(status, "internal_error", "An unexpected error occurred.")
                    : ApiProblem.ofStatus(status, "request_failed", "The request failed.");
        };
    }
}
