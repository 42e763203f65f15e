package io.sentryconnect.provisioning;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.Inputs;
import io.sentryconnect.InvalidRequest;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.ProvisionedAuthorization;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.sentry.OrganizationDiscovery;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.sentryconnect.platform.TenantAdminRequired;
import io.sentryconnect.sentry.SentryUnavailable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/provisioning}: checks the request, has Sentry create (or find) the tenant's organization, asks
 * the new integration token where the organization lives ({@code links.regionUrl}) and what it may do, and records
 * the tenant's provisioned grant with its projects in one transaction. Nothing is written before Sentry has
 * answered, and a failure after Sentry created the organization is repaired by calling again: Sentry is
 * idempotent on our {@code organizationID} (the tenant id), and so is the record (one provisioned grant per tenant).
 */
@Singleton
class ProvisioningService {
    /** Sentry SaaS's data regions, as the Account Provisioning API names them. */
    static final Set<String> REGIONS = Set.copyOf(SentryProfile.SENTRY.regionNames());
    static final int MAX_ORGANIZATION_NAME = 50;
    static final int MAX_PROJECT_NAME = 50;
    static final int MAX_PROJECTS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningService.class);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PLATFORM = Pattern.compile("^[a-z0-9][a-z0-9-]{0,63}$");

    private final SentryProvisioningClient sentry;
    private final OrganizationDiscovery discovery;
    private final ProvisioningStore store;

    ProvisioningService(SentryProvisioningClient sentry, OrganizationDiscovery discovery, ProvisioningStore store) {
        this.sentry = sentry;
        this.discovery = discovery;
        this.store = store;
    }

    /** The request body, as the API reads it (every field optional here, so that we name what is missing). */
    @Serdeable(naming = SnakeCaseStrategy.class)
    record ProvisioningRequest(@Nullable String email, @Nullable String organizationName,
                               @Nullable List<ProjectRequest> projects, @Nullable String region,
                               @Nullable Object hasAgreedTerms) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record ProjectRequest(@Nullable String name, @Nullable String platform) {
    }

    ProvisioningStore.ProvisionedGrant provision(PlatformCaller caller, ProvisioningRequest request) {
        if (!caller.tenantAdmin()) {
            throw new TenantAdminRequired("Provisioning a Sentry organization needs the tenant-admin role.");
        }
        SentryProvisioningClient.AccountRequest account = valid(caller, request);
        SentryProvisioningClient.ProvisionedAccount provisioned = sentry.provision(account);
        Grant.Organization org;
        try {
            org = discovery.discover(provisioned.integrationToken(), provisioned.organizationId());
        } catch (OrganizationDiscovery.DiscoveryFailed e) {
            LOG.warn("Provisioning for tenant {}: organization discovery failed: {}", caller.tenantId(), e.getMessage());
            throw e.unavailable()
                    ? new SentryUnavailable(false, "Sentry could not say where the new organization lives; nothing "
                    + "was recorded. Try again: a retry is safe.")
                    : new ProvisioningRejected("The new integration token does not show the provisioned organization "
                    + "as expected; nothing was recorded.");
        }
        List<String> scopes = sentry.scopes(provisioned.integrationToken());
        ProvisioningStore.ProvisionedGrant recorded = store.record(new ProvisionedAuthorization(caller.tenantId(),
                caller.userId(), org, provisioned.integrationToken(), scopes), provisioned.projects());
        LOG.info("Tenant {} provisioned Sentry organization {} ({}, {}): grant {}, {} projects", caller.tenantId(),
                org.slug(), org.id(), org.regionUrl(), recorded.grant().id(), recorded.projects().size());
        return recorded;
    }

    private static SentryProvisioningClient.AccountRequest valid(PlatformCaller caller, ProvisioningRequest request) {
        // Object, not Boolean: only JSON true counts, never "true", 2 or [true] (see Inputs.bool).
        if (!Boolean.TRUE.equals(Inputs.bool("has_agreed_terms", request.hasAgreedTerms()))) {
            throw new TermsNotAgreed();
        }
        // Every string is checked before anything is sent to Sentry: a NUL it accepts would fail our insert afterwards.
        String email = request.email() == null ? "" : Inputs.text("email", request.email(), Inputs.MAX_EMAIL).strip();
        if (!EMAIL.matcher(email).matches() || email.length() > 254) {
            throw new InvalidRequest("email", "email must be the customer's email address: it becomes the owner "
                    + "of the new Sentry organization.");
        }
        String name = request.organizationName() == null ? ""
                : Inputs.text("organization_name", request.organizationName(), Inputs.MAX_URL).strip();
        if (name.isEmpty() || name.length() > MAX_ORGANIZATION_NAME) {
            throw new InvalidRequest("organization_name", "organization_name is required, at most "
                    + MAX_ORGANIZATION_NAME + " characters.");
        }
        if (request.region() == null || !REGIONS.contains(request.region())) {
            throw new InvalidRequest("region", "region is " + String.join(" or ", SentryProfile.SENTRY.regionNames())
                    + ": where Sentry keeps the organization's data.");
        }
        List<ProjectRequest> wanted = request.projects() == null ? List.of() : request.projects();
        if (wanted.size() > MAX_PROJECTS) {
            throw new InvalidRequest("projects", "At most " + MAX_PROJECTS + " projects per call.");
        }
        List<SentryProvisioningClient.ProjectSpec> projects = new ArrayList<>();
        for (ProjectRequest project : wanted) {
            String projectName = project == null || project.name() == null ? ""
                    : Inputs.text("projects", project.name(), Inputs.MAX_URL).strip();
            if (projectName.isEmpty() || projectName.length() > MAX_PROJECT_NAME) {
                throw new InvalidRequest("projects", "Every project needs a name of at most " + MAX_PROJECT_NAME + " characters.");
            }
            if (project.platform() != null && !PLATFORM.matcher(project.platform()).matches()) {
                throw new InvalidRequest("projects", "A project's platform is a Sentry platform id such as "
                        + "javascript, python or java.");
            }
            projects.add(new SentryProvisioningClient.ProjectSpec(projectName, project.platform()));
        }
        return new SentryProvisioningClient.AccountRequest(caller.tenantId(), email, name, projects, request.region());
    }
}
