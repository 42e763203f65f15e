package com.example.clash;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/**
 * A host's own {@code GET /api/v1/me}, the same method and path as the plugin's default: only in the contexts of the
 * test that asks for it ({@code route-clash-test}), since every test context shares this class path.
 */
@Controller("/api/v1/me")
@Requires(property = "route-clash-test", value = "true")
@Secured(SecurityRule.IS_ANONYMOUS)
public class HostMeController {
    @Get
    public String me() {
        return "the host's own";
    }
}
