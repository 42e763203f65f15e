package io.sentryconnect.web;

import io.sentryconnect.Endpoints;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import io.sentryconnect.platform.PlatformProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.MDC;

/**
 * Puts the request id, the caller's tenant and user, and the grant id of {@code /api/v1/grants/{id}/…} into the
 * logging MDC of everything the request does, on whatever thread (Micronaut's propagated context carries it across
 * {@code @ExecuteOn}). The request id comes from a well-formed {@code X-Request-Id} or is made up, and is echoed back
 * (by {@link PluginErrorFormat}).
 * Runs after the security filter, so that the tenant is the verified one, and only on the plugin's own routes: a host's
 * requests keep the host's MDC and headers.
 */
@ServerFilter("/**")
final class RequestLogContext implements Ordered {
    private static final String HEADER = "X-Request-Id";
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String ATTRIBUTE = RequestLogContext.class.getName() + ".requestId";
    /** Read once: the interface's getter looks the property up on every call. */
    private final String tenantClaim;
    private final Endpoints endpoints;
    private final Pattern grantPath;

    RequestLogContext(PlatformProperties platform, Endpoints endpoints) {
        this.tenantClaim = platform.getTenantClaim();
        this.endpoints = endpoints;
        this.grantPath = Pattern.compile("^" + Pattern.quote(endpoints.path("grants")) + "/([0-9a-fA-F-]{36})(/.*)?$");
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    @RequestFilter
    void enter(HttpRequest<?> request, MutablePropagatedContext context) {
        if (!endpoints.owns(request.getPath())) {
            return;
        }
        String requestId = requestId(request);
        List<String> keys = new ArrayList<>(4);
        List<String> values = new ArrayList<>(4);
        keys.add("request_id");
        values.add(requestId);
        request.getUserPrincipal(Authentication.class).ifPresent(auth -> {
            Object tenant = auth.getAttributes().get(tenantClaim);
            if (tenant != null) {
                keys.add("tenant_id");
                values.add(String.valueOf(tenant));
            }
            keys.add("user_id");
            values.add(auth.getName());
        });
        Matcher grant = grantPath.matcher(endpoints.routePath(request.getPath()));
        if (grant.matches()) {
            keys.add("grant_id");
            values.add(grant.group(1));
        }
        context.add(new RequestMdc(keys.toArray(String[]::new), values.toArray(String[]::new)));
    }

    /**
     * A version-4 UUID from {@link ThreadLocalRandom}: an id must be unique, not unguessable, and
     * {@code UUID.randomUUID()}'s SecureRandom takes a lock on every request (it showed in the proxy's profile).
     */
    private static String randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    /**
     * The request's log keys on every thread that works for it, put and taken back key by key. Micronaut's
     * {@code MdcPropagationContext} copies the thread's whole MDC map twice each time the propagated context is entered
     * (several times per request), which was 6 % of the proxy's event-loop time; this leaves the thread's other keys as
     * they were.
     */
    static final class RequestMdc implements ThreadPropagatedContextElement<String[]> {
        private final String[] keys;
        private final String[] values;

        RequestMdc(String[] keys, String[] values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        public String[] updateThreadContext() {
            String[] previous = new String[keys.length];
            for (int i = 0; i < keys.length; i++) {
                previous[i] = MDC.get(keys[i]);
                MDC.put(keys[i], values[i]);
            }
            return previous;
        }

        @Override
        public void restoreThreadContext(String[] previous) {
            for (int i = keys.length - 1; i >= 0; i--) {
                if (previous[i] == null) {
                    MDC.remove(keys[i]);
                } else {
                    MDC.put(keys[i], previous[i]);
                }
            }
        }
    }

    /**
     * Echoes the request id on the answer; called by {@link PluginErrorFormat}'s response filter, which runs on every
     * answer of ours anyway, rather than by a response filter of its own (one filter fewer per request).
     */
    static void echoRequestId(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header(HEADER, requestId(request));
    }

    /**
     * The request's id, fixed on first use: by {@link #enter} for a request that reaches it, or only here for one the
     * security filter refused before it (a missing credential), which still gets an id to quote.
     */
    private static String requestId(HttpRequest<?> request) {
        String requestId = request.getAttribute(ATTRIBUTE, String.class).orElse(null);
        if (requestId == null) {
            requestId = request.getHeaders().get(HEADER);
            if (requestId == null || !VALID_ID.matcher(requestId).matches()) {
                requestId = randomId();
            }
            request.setAttribute(ATTRIBUTE, requestId);
        }
        return requestId;
    }
}
