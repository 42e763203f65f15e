package io.sentryconnect.provisioning;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.Inputs;
import io.sentryconnect.InvalidRequest;
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
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/provisioning}: checks the request, has Sentry create (or find) the tenant's organization, asks
 * the new integration token where the organization lives ({@code links.regionUrl}) and what it may do, and records
 * the tenant's provisioned grant with its projects in one transaction. Nothing is written before Sentry has
 * answered, and a failure after Sentry created the organization is repaired by calling again: Sentry is
 * idempotent on our {@code organizationID} (the tenant id, after {@code sentry-connect.partner.organization-id-prefix}),
 * and so is the record (one provisioned grant per tenant).
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
    private final PartnerProperties partner;

    ProvisioningService(SentryProvisioningClient sentry, OrganizationDiscovery discovery, ProvisioningStore store,
                        PartnerProperties partner) {
        this.sentry = sentry;
        this.discovery = discovery;
        this.store = store;
        this.partner = partner;
    }

    /**
     * The request body, as the API reads it (every field optional here, so that we name what is missing). Object, not
     * String or List: the members' JSON types are ours to check (see {@link Inputs#string}), so that a wrong one is
     * refused naming its field instead of being coerced ({@code 5} to {@code "5"}, {@code ["x"]} to {@code "x"}).
     * {@code projects} is an array of objects with a {@code name} and an optional {@code platform}, both strings.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record ProvisioningRequest(@Nullable Object email, @Nullable Object organizationName,
                               @Nullable Object projects, @Nullable Object region,
                               @Nullable Object hasAgreedTerms) {
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

    private SentryProvisioningClient.AccountRequest valid(PlatformCaller caller, ProvisioningRequest request) {
        // Object, not Boolean: only JSON true counts, never "true", 2 or [true] (see Inputs.bool).
        if (!Boolean.TRUE.equals(Inputs.bool("has_agreed_terms", request.hasAgreedTerms()))) {
            throw new TermsNotAgreed();
        }
        // Every string is checked before anything is sent to Sentry: a NUL it accepts would fail our insert afterwards.
        String rawEmail = Inputs.string("email", request.email());
        String email = rawEmail == null ? "" : Inputs.text("email", rawEmail, Inputs.MAX_EMAIL).strip();
        if (!EMAIL.matcher(email).matches() || email.length() > 254) {
            throw new InvalidRequest("email", "email must be the customer's email address: it becomes the owner "
                    + "of the new Sentry organization.");
        }
        String rawName = Inputs.string("organization_name", request.organizationName());
        String name = rawName == null ? "" : Inputs.text("organization_name", rawName, Inputs.MAX_URL).strip();
        if (name.isEmpty() || name.length() > MAX_ORGANIZATION_NAME) {
            throw new InvalidRequest("organization_name", "organization_name is required, at most "
                    + MAX_ORGANIZATION_NAME + " characters.");
        }
        String region = Inputs.string("region", request.region());
        if (region == null || !REGIONS.contains(region)) {
            throw new InvalidRequest("region", "region is " + String.join(" or ", SentryProfile.SENTRY.regionNames())
                    + ": where Sentry keeps the organization's data.");
        }
        if (request.projects() != null && !(request.projects() instanceof List<?>)) {
            throw projectsShape();
        }
        List<?> wanted = request.projects() == null ? List.of() : (List<?>) request.projects();
        if (wanted.size() > MAX_PROJECTS) {
            throw new InvalidRequest("projects", "At most " + MAX_PROJECTS + " projects per call.");
        }
        List<SentryProvisioningClient.ProjectSpec> projects = new ArrayList<>();
        for (Object project : wanted) {
            if (project != null && !(project instanceof Map<?, ?>)) {
                throw projectsShape();
            }
            Object nameValue = project == null ? null : ((Map<?, ?>) project).get("name");
            Object platformValue = project == null ? null : ((Map<?, ?>) project).get("platform");
            if (nameValue != null && !(nameValue instanceof String) || platformValue != null && !(platformValue instanceof String)) {
                throw projectsShape();
            }
            String platform = (String) platformValue;
            String projectName = nameValue == null ? "" : Inputs.text("projects", (String) nameValue, Inputs.MAX_URL).strip();
            if (projectName.isEmpty() || projectName.length() > MAX_PROJECT_NAME) {
                throw new InvalidRequest("projects", "Every project needs a name of at most " + MAX_PROJECT_NAME + " characters.");
            }
            if (platform != null && !PLATFORM.matcher(platform).matches()) {
                throw new InvalidRequest("projects", "A project's platform is a Sentry platform id such as "
                        + "javascript, python or java.");
            }
            projects.add(new SentryProvisioningClient.ProjectSpec(projectName, platform));
        }
        String organizationId = partner.organizationId(caller.tenantId());
        if (organizationId.length() > PartnerProperties.MAX_ORGANIZATION_ID) {
            // The tenant id is the platform's (up to 255 characters); the prefix is ours: Sentry would refuse the two.
            throw new ProvisioningRejected("This tenant's id after sentry-connect.partner.organization-id-prefix is "
                    + organizationId.length() + " characters long, and Sentry's organizationID takes at most "
                    + PartnerProperties.MAX_ORGANIZATION_ID + "; nothing was sent to Sentry.");
        }
        return new SentryProvisioningClient.AccountRequest(organizationId, email, name, projects, region);
    }

    /** A {@code projects} that is not an array of objects whose name and platform are strings; the value is not echoed. */
    private static InvalidRequest projectsShape() {
        return new InvalidRequest("projects", "projects must be an array of objects, each with a name and an optional "
                + "platform, both strings.");
    }
}
