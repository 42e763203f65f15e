package io.sentryconnect;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

/**
 * Marks an error answer on the plugin's routes that must reach the caller as it is (Sentry's own answer, passed
 * through): the plugin's error format (web package) leaves a marked answer alone. A response attribute, so that the
 * feature that answers and the filter that formats need not know each other.
 */
public final class AsIs {
    private static final String ATTRIBUTE = AsIs.class.getName();

    private AsIs() {
    }

    public static <T extends MutableHttpResponse<?>> T mark(T response) {
        response.setAttribute(ATTRIBUTE, Boolean.TRUE);
        return response;
    }

    public static boolean marked(HttpResponse<?> response) {
        return response.getAttribute(ATTRIBUTE).isPresent();
    }
}
