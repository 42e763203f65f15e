package com.example.platform;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Clock;

/** Greets the signed-in user; says which account and which clock the platform sees. */
@Controller("/hello")
@Secured(SecurityRule.IS_AUTHENTICATED)
class HelloController {
    private final Clock clock;

    HelloController(Clock clock) {
        this.clock = clock;
    }

    @Serdeable
    record HelloMessage(String greeting, String accountId, String clockZone) {
    }

    @Get
    HelloMessage hello(Authentication user) {
        return new HelloMessage("Hello, " + user.getName(), (String) user.getAttributes().get(HostLogin.ACCOUNT_CLAIM),
                clock.getZone().getId());
    }
}
