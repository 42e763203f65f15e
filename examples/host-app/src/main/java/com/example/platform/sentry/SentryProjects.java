package com.example.platform.sentry;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.authentication.Authentication;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.platform.PlatformIdentity;
import io.sentryconnect.sentry.SentryApi;
import io.sentryconnect.sentry.SentryRequest;
import io.sentryconnect.sentry.SentryResponse;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The platform's own use of a grant: the project slugs of the linked Sentry organization, through {@link SentryApi}. */
@Singleton
public class SentryProjects {
    private final SentryApi sentry;
    private final PlatformIdentity identity;
    private final JsonMapper json;

    SentryProjects(SentryApi sentry, PlatformIdentity identity, JsonMapper json) {
        this.sentry = sentry;
        this.identity = identity;
        this.json = json;
    }

    /** The project slugs of organization {@code orgSlug}, as {@code user} may see them through grant {@code grantId}. */
    public List<String> projectSlugs(Authentication user, UUID grantId, String orgSlug) {
        PlatformCaller caller = identity.caller(user)
                .orElseThrow(() -> new IllegalArgumentException("not a platform user: " + user.getName()));
        SentryResponse response = sentry.call(caller, grantId, SentryRequest.get("organizations/" + orgSlug + "/projects/"));
        if (response.status() != 200) {
            throw new IllegalStateException("Sentry answered " + response.status() + " for the projects of " + orgSlug);
        }
        try {
            List<Map<String, Object>> projects = json.readValue(response.body(),
                    Argument.listOf(Argument.mapOf(String.class, Object.class)));
            return projects.stream().map(p -> (String) p.get("slug")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
