package com.example.catchall;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/**
 * A host's single-page application: its page for every path no other route takes, and one page of its own under the
 * plugin's connect group. Outside the plugin's packages on purpose, as a host's code is.
 */
@Controller
@Requires(property = "test.host-catch-all", value = "true")
@Secured(SecurityRule.IS_ANONYMOUS)
public final class SinglePageApp {
    public static final String PAGE = "<!doctype html><title>the host's app</title>";
    public static final String HELP = "<!doctype html><title>the host's help on connecting Sentry</title>";

    @Get(uri = "/{+path}", produces = MediaType.TEXT_HTML)
    public String page(String path) {
        return PAGE;
    }

    @Get(uri = "/connect/sentry/help", produces = MediaType.TEXT_HTML)
    public String help() {
        return HELP;
    }

    @io.micronaut.http.annotation.Post(uri = "/connect/sentry/help", produces = MediaType.TEXT_HTML)
    public String askForHelp() {
        return HELP;
    }
}
