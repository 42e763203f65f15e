package io.sentryconnect.demo;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /demo}: the demo page and its two assets, from {@code classpath:demo/}; {@code GET /} redirects to it.
 * A fixed list of files rather than Micronaut's static resources, so that the page is served only when the demo is
 * enabled and always with its security headers.
 */
@Controller
@Requires(property = DemoController.ENABLED, value = "true")
@Secured(SecurityRule.IS_ANONYMOUS)
class DemoController {
    static final String ENABLED = "sentry-connect.demo.enabled";
    static final String PATH = "/demo";

    /**
     * The page talks only to its own origin and runs only its own script; top-level navigation to the link URL and
     * Sentry's consent page is not restricted by CSP.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final byte[] page;
    private final Map<String, Asset> assets;

    private record Asset(byte[] content, MediaType type) {
    }

    DemoController(ResourceResolver resources) {
        this.page = read(resources, "index.html");
        this.assets = Map.of(
                "demo.js", new Asset(read(resources, "demo.js"), MediaType.of("text/javascript;charset=utf-8")),
                "demo.css", new Asset(read(resources, "demo.css"), MediaType.of("text/css;charset=utf-8")));
    }

    @Get("/")
    MutableHttpResponse<?> root() {
        return HttpResponse.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, PATH);
    }

    @Get(PATH)
    MutableHttpResponse<byte[]> page() {
        return secured(HttpResponse.ok(page).contentType(MediaType.TEXT_HTML + ";charset=utf-8"));
    }

    @Get(PATH + "/assets/{name}")
    MutableHttpResponse<byte[]> asset(@PathVariable String name) {
        Asset asset = assets.get(name);
        if (asset == null) {
            return HttpResponse.notFound();
        }
        return secured(HttpResponse.ok(asset.content()).contentType(asset.type()));
    }

    private static MutableHttpResponse<byte[]> secured(MutableHttpResponse<byte[]> response) {
        return response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                // The page's URL carries grant ids and error codes after the OAuth round trip: no referrer anywhere.
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store");
    }

    private static byte[] read(ResourceResolver resources, String name) {
        String location = "classpath:demo/" + name;
        try (InputStream in = resources.getResourceAsStream(location)
                .orElseThrow(() -> new IllegalStateException("Demo resource missing: " + location))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Demo resource unreadable: " + location, e);
        }
    }
}
