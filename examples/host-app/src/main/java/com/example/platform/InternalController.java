package com.example.platform;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.List;

/**
 * Operators' tooling, deliberately without {@code @Secured}: the platform's security rules (deny what no rule allows)
 * refuse it to everyone over HTTP until someone decides who may call it.
 */
@Controller("/internal/accounts")
class InternalController {
    @Get
    List<String> accounts() {
        return List.of("acme-co", "globex-inc");
    }
}
