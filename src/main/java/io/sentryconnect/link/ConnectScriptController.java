package io.sentryconnect.link;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.Endpoints;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET {connect path}/sentry-connect.js}: the Connect button script a platform page loads
 * ({@code classpath:io/sentryconnect/connect/sentry-connect.js}, also usable as a static file). Public and the same
 * for everyone, so it may be cached briefly and loaded from another origin.
 */
@Controller(Endpoints.CONNECT_PATH)
@Requires(property = Endpoints.CONNECT_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_ANONYMOUS)
class ConnectScriptController {
    static final String RESOURCE = "classpath:io/sentryconnect/connect/sentry-connect.js";

    private final byte[] script;

    ConnectScriptController(ResourceResolver resources) {
        try (InputStream in = resources.getResourceAsStream(RESOURCE)
                .orElseThrow(() -> new IllegalStateException("Connect script missing: " + RESOURCE))) {
            this.script = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Connect script unreadable: " + RESOURCE, e);
        }
    }

    @Get("/sentry-connect.js")
    MutableHttpResponse<byte[]> script() {
        return HttpResponse.ok(script).contentType(MediaType.of("text/javascript;charset=utf-8"))
                .header("Cache-Control", "public, max-age=300")
                .header("Cross-Origin-Resource-Policy", "cross-origin")
                .header("X-Content-Type-Options", "nosniff");
    }
}
