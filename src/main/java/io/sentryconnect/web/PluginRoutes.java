package io.sentryconnect.web;

import io.micronaut.web.router.RouteInfo;

/** Which routes are the plugin's: those its controllers declare, all in its packages. */
final class PluginRoutes {
    private PluginRoutes() {
    }

    static boolean ours(RouteInfo<?> route) {
        return ours(route.getDeclaringType().getName());
    }

    /** By the declaring class's name. */
    static boolean ours(String declaringType) {
        return declaringType.startsWith("io.sentryconnect.");
    }
}
