package io.sentryconnect.openapi;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** Serves the OpenAPI document at {@code sentry-connect.openapi.path}; it describes the API and holds no data. */
@Controller(OpenApiDocument.PATH_PROPERTY)
@Requires(property = "sentry-connect.openapi.enabled", notEquals = "false")
@Secured(SecurityRule.IS_ANONYMOUS)
class OpenApiController {
    static final String YAML = "application/yaml";

    private final OpenApiDocument document;

    OpenApiController(OpenApiDocument document) {
        this.document = document;
    }

    @Get(produces = YAML)
    HttpResponse<String> document() {
        return HttpResponse.ok(document.text()).contentType(YAML).header(HttpHeaders.CACHE_CONTROL, "no-cache");
    }
}
