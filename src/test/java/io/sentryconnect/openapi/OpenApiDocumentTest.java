package io.sentryconnect.openapi;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.TestDatabase;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The served OpenAPI document and the routes the service really has are the same set of operations, by default and
 * with moved and switched-off endpoint groups; dev-only routes are not in it; the UI points at it.
 */
@MicronautTest(environments = "test", transactional = false)
class OpenApiDocumentTest extends IntegrationTest {
    private static final Pattern PATH_KEY = Pattern.compile("(?m)^  (/\\S*):$");
    private final Http http = new Http();

    @Inject
    Router router;

    @Test
    void theServedDocumentIsTheSourceWithThisServicesPublicUrl() {
        HttpResponse<String> served = http.get(serviceUrl() + "/swagger/sentry-connect-1.yml");
        assertEquals(200, served.statusCode(), served.body());
        assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        assertEquals(OpenApiDocument.source().replace("  - url: http://localhost:8080", "  - url: " + serviceUrl()), served.body());
        assertEquals(List.of(), parse(served.body()).getMessages(), "the served document parses without messages");
    }

    @Test
    void everyRouteOfTheServiceIsDocumentedAndNothingElseIs() {
        OpenAPI document = parse(http.get(serviceUrl() + "/swagger/sentry-connect-1.yml").body()).getOpenAPI();
        assertEquals(operations(router), operations(document));
        assertTrue(operations(document).contains("GET /api/v1/grants/{id}/sentry/{path}"));
    }

    @Test
    void devOnlyRoutesAreLeftOutThoughTheyExistHere() {
        String served = http.get(serviceUrl() + "/swagger/sentry-connect-1.yml").body();
        for (String devOnly : List.of("/dev/token", "/demo", "/_standin")) {
            assertFalse(served.contains("\n  " + devOnly), devOnly + " is in the document");
        }
        assertEquals(200, http.postJson(serviceUrl() + "/dev/token", "{\"tenant\":\"t1\",\"user\":\"u1\"}").statusCode(),
                "the dev token route exists in the test environment");
    }

    @Test
    void everyOperationHasAnIdATagAnExampleAndItsErrors() {
        OpenAPI document = parse(OpenApiDocument.source()).getOpenAPI();
        Set<String> ids = new TreeSet<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String name = method + " " + path;
            assertTrue(ids.add(operation.getOperationId()), name + ": operation id " + operation.getOperationId() + " is unique");
            assertFalse(operation.getOperationId().matches(".*_\\d+$"), name + ": a meaningful operation id");
            assertFalse(operation.getTags() == null || operation.getTags().isEmpty(), name + ": tagged");
            assertTrue(operation.getResponses().keySet().stream().anyMatch(code -> code.startsWith("4") || code.startsWith("5"))
                    || path.equals("/prometheus") || path.endsWith(".yml") || path.endsWith(".js"), name + ": documents its errors");
            // Micronaut answers 406 on every route of ours whose media types the Accept header excludes (not the
            // health endpoint, which answers JSON whatever is asked): FrameworkErrorFormatTest sends some.
            assertEquals(!path.startsWith("/health"), operation.getResponses().containsKey("406"), name + ": documents 406");
            operation.getResponses().forEach((code, response) -> {
                if (response.getContent() != null) {
                    response.getContent().forEach((type, media) -> assertTrue(media.getExample() != null || media.getExamples() != null
                            || type.equals("*/*"), name + " " + code + " " + type + ": has an example"));
                }
            });
            boolean browserOrOperations = path.startsWith("/connect/") || path.startsWith("/health") || path.equals("/prometheus")
                    || path.endsWith(".yml");
            assertEquals(browserOrOperations, operation.getSecurity() != null && operation.getSecurity().isEmpty(),
                    name + ": anonymous exactly when it is a browser or operations route");
        }));
    }

    @Test
    void aHostThatMovesAndSwitchesOffGroupsServesADocumentOfItsOwnRoutes() {
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        properties.put("micronaut.server.port", -1);
        properties.put("sentry-connect.public-url", "https://platform.example/");
        properties.put("sentry-connect.standalone", false);
        properties.put("sentry-connect.standin.enabled", false);
        properties.put("sentry-connect.dev.token-endpoint", false);
        properties.put("sentry-connect.endpoints.grants.path", "/integrations/sentry/grants");
        properties.put("sentry-connect.endpoints.connect.path", "/integrations/sentry/connect");
        properties.put("sentry-connect.endpoints.provisioning.enabled", false);
        properties.put("sentry-connect.openapi.path", "/integrations/sentry/openapi.yml");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties, "test")) {
            HttpResponse<String> served = http.get(server.getURL() + "/integrations/sentry/openapi.yml");
            assertEquals(200, served.statusCode(), served.body());
            OpenAPI document = parse(served.body()).getOpenAPI();
            assertEquals(operations(server.getApplicationContext().getBean(Router.class)).stream()
                    .filter(operation -> !operation.contains(" /health") && !operation.contains(" /prometheus")).toList(),
                    List.copyOf(operations(document)), "the host's own /health and /prometheus are not the plugin's");
            Set<String> paths = document.getPaths().keySet();
            assertTrue(paths.contains("/integrations/sentry/grants/{id}/sentry/{path}"), paths.toString());
            assertTrue(paths.contains("/integrations/sentry/connect/callback"), paths.toString());
            assertFalse(paths.stream().anyMatch(p -> p.startsWith("/api/v1/grants") || p.startsWith("/api/v1/provisioning")
                    || p.equals("/health") || p.equals("/prometheus")), paths.toString());
            assertEquals("https://platform.example", document.getServers().get(0).getUrl());
            assertTrue(served.body().contains("link_url: https://platform.example/integrations/sentry/connect/start?ticket="),
                    "the example link is one this deployment hands out");
            assertFalse(served.body().contains("/connect/sentry/"), "no example names the group's default path");
            assertEquals(404, http.get(server.getURL() + "/swagger/sentry-connect-1.yml").statusCode());
        }
    }

    @Test
    void theBrowsableUiIsServedAndShowsThisDocument() {
        HttpResponse<String> ui = http.get(serviceUrl() + "/swagger-ui/index.html");
        assertEquals(200, ui.statusCode());
        assertTrue(ui.body().contains("swagger-initializer.js"), ui.body());
        HttpResponse<String> initializer = http.get(serviceUrl() + "/swagger-ui/swagger-initializer.js");
        assertTrue(initializer.body().contains("\"/swagger/sentry-connect-1.yml\""), initializer.body());
    }

    private static SwaggerParseResult parse(String yaml) {
        return new OpenAPIV3Parser().readContents(yaml);
    }

    /** "METHOD /path" of every documented operation. */
    static Set<String> operations(OpenAPI document) {
        Set<String> operations = new TreeSet<>();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach((PathItem.HttpMethod method) -> operations.add(method + " " + path)));
        return operations;
    }

    /** "METHOD /path" of every route of the plugin's own controllers, and the standalone service's management routes. */
    static Set<String> operations(Router router) {
        Set<String> operations = new TreeSet<>();
        router.uriRoutes().forEach(route -> {
            String type = route.getTargetMethod().getDeclaringType().getName();
            boolean plugin = type.startsWith("io.sentryconnect.") && !type.startsWith("io.sentryconnect.demo.")
                    && !type.startsWith("io.sentryconnect.standin.") && !type.contains("DevToken");
            boolean management = type.startsWith("io.micronaut.management.") || type.startsWith("io.micronaut.health.")
                    || type.contains("Prometheus") || type.contains("Health");
            String method = route.getHttpMethodName().toUpperCase(Locale.ROOT);
            if ((plugin || management) && !method.equals("HEAD") && !method.equals("OPTIONS")) {
                String path = route.getUriMatchTemplate().toString().replace("{+path}", "{path}").replaceAll("\\{/[^}]*}$", "");
                operations.add(method + " " + path);
            }
        });
        return operations;
    }
}
