package io.sentryconnect.web;

import io.sentryconnect.Endpoints;
import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;
import io.sentryconnect.platform.PlatformProperties;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the request id, the caller's tenant and user, and the grant id of {@code /api/v1/grants/{id}/…} into the
 * logging MDC of everything the request does, on whatever thread (Micronaut's propagated context carries it across
 * {@code @ExecuteOn}). The request id comes from a well-formed {@code X-Request-Id} or is made up, and is echoed back.
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
        String requestId = request.getHeaders().get(HEADER);
        if (requestId == null || !VALID_ID.matcher(requestId).matches()) {
            requestId = randomId();
        }
        request.setAttribute(ATTRIBUTE, requestId);
        Map<String, String> mdc = new HashMap<>();
        mdc.put("request_id", requestId);
        request.getUserPrincipal(Authentication.class).ifPresent(auth -> {
            Object tenant = auth.getAttributes().get(tenantClaim);
            if (tenant != null) {
                mdc.put("tenant_id", String.valueOf(tenant));
            }
            mdc.put("user_id", auth.getName());
        });
        Matcher grant = grantPath.matcher(request.getPath());
        if (grant.matches()) {
            mdc.put("grant_id", grant.group(1));
        }
        context.add(new MdcPropagationContext(mdc));
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

    @ResponseFilter
    void leave(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.getAttribute(ATTRIBUTE, String.class).ifPresent(id -> response.header(HEADER, id));
    }
}
