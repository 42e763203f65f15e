package io.sentryconnect;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * Where the plugin's endpoint groups are mounted: {@code sentry-connect.endpoints.<group>.path} moves a group,
 * {@code sentry-connect.endpoints.<group>.enabled: false} removes it. The controllers read the same keys with the
 * same defaults (the constants below), and everything that builds a URL to one of them asks this bean. Group paths
 * are below the server's {@code micronaut.server.context-path}, as the routes are; a request's path, as the server
 * received it, and a route's template both start with the context path, which {@link #owns} and {@link #groupOf} look
 * past.
 */
@Singleton
public final class Endpoints {
    public static final String LINKS = "/api/v1/links";
    public static final String CONNECT = "/connect/sentry";
    public static final String GRANTS = "/api/v1/grants";
    public static final String EVENTS = "/api/v1/events";
    public static final String PROVISIONING = "/api/v1/provisioning";
    public static final String PARTNER = "/api/v1/partner/registration";
    public static final String ME = "/api/v1/me";

    /** The placeholders the controllers use: {@code ${sentry-connect.endpoints.<group>.path:<default>}}. */
    public static final String LINKS_PATH = "${sentry-connect.endpoints.links.path:" + LINKS + "}";
    public static final String CONNECT_PATH = "${sentry-connect.endpoints.connect.path:" + CONNECT + "}";
    public static final String GRANTS_PATH = "${sentry-connect.endpoints.grants.path:" + GRANTS + "}";
    public static final String EVENTS_PATH = "${sentry-connect.endpoints.events.path:" + EVENTS + "}";
    public static final String PROVISIONING_PATH = "${sentry-connect.endpoints.provisioning.path:" + PROVISIONING + "}";
    public static final String PARTNER_PATH = "${sentry-connect.endpoints.partner.path:" + PARTNER + "}";
    public static final String ME_PATH = "${sentry-connect.endpoints.me.path:" + ME + "}";

    /** The property that switches a group off; {@code @Requires(property = …, notEquals = "false")} on its controllers. */
    public static final String LINKS_ENABLED = "sentry-connect.endpoints.links.enabled";
    public static final String CONNECT_ENABLED = "sentry-connect.endpoints.connect.enabled";
    public static final String GRANTS_ENABLED = "sentry-connect.endpoints.grants.enabled";
    public static final String EVENTS_ENABLED = "sentry-connect.endpoints.events.enabled";
    public static final String PROVISIONING_ENABLED = "sentry-connect.endpoints.provisioning.enabled";
    public static final String PARTNER_ENABLED = "sentry-connect.endpoints.partner.enabled";
    public static final String ME_ENABLED = "sentry-connect.endpoints.me.enabled";

    private final String base;
    private final Map<String, String> paths;
    /** The groups switched on: only their paths are the plugin's (a switched-off group's path is the host's again). */
    private final Map<String, String> mounted;
    private final boolean standalone;
    /** {@code micronaut.server.context-path}: empty, or {@code /billing} (a leading slash, no trailing one). */
    private final String contextPath;

    Endpoints(SentryConnectProperties plugin, List<Group> groups,
              @Value("${micronaut.server.context-path:}") String contextPath) {
        this.base = plugin.base();
        this.standalone = plugin.standalone();
        String context = contextPath == null ? "" : contextPath.strip();
        if (!context.isEmpty() && !context.startsWith("/")) {
            context = "/" + context;
        }
        this.contextPath = stripTrailingSlash(context).equals("/") ? "" : stripTrailingSlash(context);
        if (!this.contextPath.isEmpty() && !stripTrailingSlash(java.net.URI.create(base).getPath()).endsWith(this.contextPath)) {
            org.slf4j.LoggerFactory.getLogger(Endpoints.class).warn("sentry-connect.public-url ({}) does not end with "
                    + "micronaut.server.context-path ({}): the links and the OAuth callback it makes miss the host's "
                    + "routes, unless a reverse proxy strips that prefix", base, this.contextPath);
        }
        Map<String, String> resolved = new java.util.HashMap<>(Map.of("links", LINKS, "connect", CONNECT, "grants", GRANTS,
                "events", EVENTS, "provisioning", PROVISIONING, "partner", PARTNER, "me", ME));
        for (Group group : groups) {
            if (group.path() != null && !group.path().isBlank()) {
                resolved.put(group.name(), stripTrailingSlash(group.path()));
            }
        }
        this.paths = Map.copyOf(resolved);
        Map<String, String> on = new java.util.HashMap<>(paths);
        for (Group group : groups) {
            if (!group.enabled()) {
                on.remove(group.name());
            }
        }
        this.mounted = Map.copyOf(on);
    }

    /** One group's settings, bound from {@code sentry-connect.endpoints.<name>.*}. */
    @EachProperty("sentry-connect.endpoints")
    public record Group(@io.micronaut.context.annotation.Parameter String name, @Nullable String path,
                        @Bindable(defaultValue = "true") boolean enabled) {
    }

    /** The path of a group, e.g. {@code path("grants")} is {@code /api/v1/grants} unless moved. */
    public String path(String group) {
        String path = paths.get(group);
        if (path == null) {
            throw new IllegalArgumentException("no endpoint group " + group);
        }
        return path;
    }

    /** The absolute URL of a path under a group: {@code url("grants", "/" + id + "/reconnect")}. */
    public String url(String group, String rest) {
        return base + path(group) + rest;
    }

    /**
     * The path a host client requests a group's path at: the context path and the group's path, e.g. for a
     * {@code Location} header ({@code hostPath("grants") + "/" + id}).
     */
    public String hostPath(String group) {
        return contextPath + path(group);
    }

    /**
     * A request's path (as the server received it, with the context path) as the routes see it: without the context
     * path. A path outside the context path is returned as it is; no route of the server answers it.
     */
    public String routePath(String requestPath) {
        if (!contextPath.isEmpty() && underContextPath(requestPath)) {
            String rest = requestPath.substring(contextPath.length());
            return rest.isEmpty() ? "/" : rest;
        }
        return requestPath;
    }

    private boolean underContextPath(String requestPath) {
        return contextPath.isEmpty() || requestPath.equals(contextPath) || requestPath.startsWith(contextPath + "/");
    }

    /**
     * Whether a request's path (with the context path, as the server received it, or a route's template, which
     * Micronaut also prefixes with it) belongs to one of the plugin's groups that are switched on (the scope of its
     * error format and log context); in the standalone service every path does. A path outside the context path is
     * the host's: no route of the plugin is there.
     */
    public boolean owns(String requestPath) {
        if (standalone) {
            return true;
        }
        return groupOf(requestPath).isPresent();
    }

    /** The switched-on group mounted at or above a request's path or a route's template (both with the context path). */
    public java.util.Optional<String> groupOf(String requestPath) {
        if (!underContextPath(requestPath)) {
            return java.util.Optional.empty();
        }
        String path = routePath(requestPath);
        return mounted.entrySet().stream()
                .filter(e -> path.equals(e.getValue()) || path.startsWith(e.getValue() + "/"))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
