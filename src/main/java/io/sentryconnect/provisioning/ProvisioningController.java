package io.sentryconnect.provisioning;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.sentryconnect.grant.GrantJson;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.platform.TenantAdminRequired;

import java.net.URI;
import java.util.List;

/**
 * {@code /api/v1/provisioning} (tenant admins only; anyone else gets 403): {@code POST} provisions the tenant's Sentry
 * organization and answers its grant with the projects and their DSNs (201, also on a repeat, which reuses the
 * grant); {@code GET} answers the same for the tenant's existing provisioned grant.
 */
@Controller(Endpoints.PROVISIONING_PATH)
@Requires(property = Endpoints.PROVISIONING_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class ProvisioningController {
    private final ProvisioningService provisioning;
    private final ProvisioningStore store;

    private final Endpoints endpoints;

    ProvisioningController(ProvisioningService provisioning, ProvisioningStore store, Endpoints endpoints) {
        this.provisioning = provisioning;
        this.store = store;
        this.endpoints = endpoints;
    }

    /** The grant JSON of docs/api.md, plus the projects with their DSNs; never a token. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ProvisionedGrantJson(@JsonUnwrapped GrantJson grant, List<ProjectJson> projects) {
        static ProvisionedGrantJson of(ProvisioningStore.ProvisionedGrant provisioned) {
            return new ProvisionedGrantJson(GrantJson.of(provisioned.grant()), provisioned.projects().stream()
                    .map(p -> new ProjectJson(p.id(), p.slug(), p.name(), p.platform(), p.dsn())).toList());
        }
    }

    /** Every member always present, {@code platform} as null when Sentry has none (docs/api.md: no missing keys). */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ProjectJson(String id, String slug, String name, @Nullable String platform, String dsn) {
    }

    @Post
    HttpResponse<ProvisionedGrantJson> provision(PlatformCaller caller, @Body @Nullable ProvisioningService.ProvisioningRequest body) {
        ProvisioningStore.ProvisionedGrant provisioned = provisioning.provision(caller,
                body == null ? new ProvisioningService.ProvisioningRequest(null, null, null, null, null) : body);
        return HttpResponse.created(ProvisionedGrantJson.of(provisioned),
                URI.create(endpoints.hostPath("grants") + "/" + provisioned.grant().id()));
    }

    @Get
    ProvisionedGrantJson current(PlatformCaller caller) {
        if (!caller.tenantAdmin()) {
            throw new TenantAdminRequired("Reading the tenant's provisioned Sentry organization needs the tenant-admin role.");
        }
        return store.find(caller.tenantId()).map(ProvisionedGrantJson::of).orElseThrow(NotProvisioned::new);
    }
}
