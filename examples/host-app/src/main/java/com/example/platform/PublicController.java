package com.example.platform;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

/** What anyone may call: a status probe, and a route that fails (the platform's error format on display). */
@Controller("/public")
@Secured(SecurityRule.IS_ANONYMOUS)
class PublicController {
    @Serdeable
    record Status(String serviceName, boolean upAndRunning) {
    }

    @Get("/status")
    Status status() {
        return new Status("example-platform", true);
    }

    @Get("/boom")
    Status boom() {
        throw new IllegalStateException("the report generator is broken");
    }
}
