package com.example.platform.sentry;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.UUID;

/**
 * The platform's settings page asks which Sentry projects a linked organization has (its own JSON, camelCase). On the
 * blocking pool: {@link SentryProjects} waits for Sentry.
 */
@Controller("/settings/sentry")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class SentryProjectsController {
    private final SentryProjects projects;

    SentryProjectsController(SentryProjects projects) {
        this.projects = projects;
    }

    @Serdeable
    record LinkedProjects(UUID grantId, String organizationSlug, List<String> projectSlugs) {
    }

    @Get("/{grantId}/projects")
    LinkedProjects projects(Authentication user, UUID grantId, @QueryValue String org) {
        return new LinkedProjects(grantId, org, projects.projectSlugs(user, grantId, org));
    }
}
