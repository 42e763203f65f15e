package io.sentryconnect.grant;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.Inputs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sentryconnect.token.GrantStatus;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/grants}: list, read and disconnect. A platform user sees their own grants; a tenant admin sees all
 * of its tenant's. Anything else is 404, exactly like a grant that does not exist.
 */
@Controller(Endpoints.GRANTS_PATH)
@Requires(property = Endpoints.GRANTS_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class GrantController {
    private static final Logger LOG = LoggerFactory.getLogger(GrantController.class);
    private static final int MAX_LIMIT = 100;

    private final GrantQueries grants;
    private final GrantDisconnection disconnection;
    private final Endpoints endpoints;
    private final GrantTokenCache tokenCache;

    GrantController(GrantQueries grants, GrantDisconnection disconnection, Endpoints endpoints, GrantTokenCache tokenCache) {
        this.grants = grants;
        this.disconnection = disconnection;
        this.endpoints = endpoints;
        this.tokenCache = tokenCache;
    }

    @Get
    MutableHttpResponse<List<GrantJson>> list(PlatformCaller caller,
                                              @QueryValue("user_id") @Nullable String userId,
                                              @QueryValue @Nullable String status,
                                              @QueryValue("org_slug") @Nullable String orgSlug,
                                              @QueryValue @Nullable String limit,
                                              @QueryValue @Nullable String cursor) {
        GrantStatus wanted = status == null ? null : GrantStatus.of(status).orElseThrow(() -> new InvalidRequest("status",
                "status is one of " + Arrays.stream(GrantStatus.values()).map(GrantStatus::value).collect(Collectors.joining(", ")) + "."));
        int pageSize = Inputs.integer("limit", limit, 50, 1, MAX_LIMIT);
        Inputs.text("user_id", userId, Inputs.MAX_ID);
        Inputs.text("org_slug", orgSlug, Inputs.MAX_ID);
        UUID after = null;
        if (cursor != null) {
            try {
                after = UUID.fromString(cursor);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("cursor", "cursor is not one this service handed out.");
            }
        }
        List<Grant> page = grants.list(caller, userId, wanted, orgSlug, after, pageSize);
        MutableHttpResponse<List<GrantJson>> response = HttpResponse.ok(page.stream().map(GrantJson::of).toList());
        if (page.size() == pageSize) {
            UriBuilder next = UriBuilder.of(endpoints.url("grants", ""))
                    .queryParam("limit", pageSize)
                    .queryParam("cursor", page.get(page.size() - 1).id().toString());
            if (userId != null) {
                next.queryParam("user_id", userId);
            }
            if (status != null) {
                next.queryParam("status", status);
            }
            if (orgSlug != null) {
                next.queryParam("org_slug", orgSlug);
            }
            response.header("Link", "<" + next.build() + ">; rel=\"next\"");
        }
        return response;
    }

    @Get("/{id}")
    GrantJson get(PlatformCaller caller, @PathVariable String id) {
        return GrantJson.of(visible(caller, id));
    }

    /**
     * Disconnect: tokens destroyed, the row kept as a tombstone (status {@code disconnected}). Idempotent. Its only
     * body is a problem, so a generated client accepts just that type (the OpenAPI document's), which must not be 406.
     * It reads no body, so a body of any type is ignored (the router's default {@code consumes}, JSON, would answer
     * a body of another type {@code 415}, which the operation does not document and GET routes never answer).
     */
    @Delete(value = "/{id}", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, "application/problem+json"})
    HttpResponse<Void> disconnect(PlatformCaller caller, @PathVariable String id) {
        Grant grant = visible(caller, id);
        boolean disconnected = disconnection.disconnect(caller.tenantId(), grant.id());
        // This instance's cache at once; the others hear the change from the database (GrantChangeListener).
        tokenCache.invalidate(grant.id());
        if (disconnected) {
            LOG.info("Grant {} disconnected: tenant {}, user {}", grant.id(), grant.tenantId(), grant.userId());
        }
        return HttpResponse.noContent();
    }

    private Grant visible(PlatformCaller caller, String id) {
        return grants.findVisible(caller, Grant.parseId(id)).orElseThrow(GrantNotFound::new);
    }
}
