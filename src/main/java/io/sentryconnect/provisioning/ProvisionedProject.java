package io.sentryconnect.provisioning;

import io.micronaut.core.annotation.Nullable;

/**
 * A project created with a provisioned organization.
 *
 * @param id       Sentry's project id
 * @param slug     its slug
 * @param name     its name
 * @param platform its platform, when one was given
 * @param dsn      where its SDKs send events: not a secret (it ships inside client apps), kept out of logs anyway
 */
public record ProvisionedProject(String id, String slug, String name, @Nullable String platform, String dsn) {
    @Override
    public String toString() {
        return "ProvisionedProject[id=" + id + ", slug=" + slug + ", dsn=[not logged]]";
    }
}
