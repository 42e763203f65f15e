package io.sentryconnect.demo;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.sentryconnect.SentryConnectProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.sentryconnect.standin.Fixtures;
import io.sentryconnect.standin.SentryStandIn;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /demo/api/config}: what the page needs to know besides the API: the origin it must be opened at (the
 * return_to allow-list and the OAuth callback use it), and, when the stand-in runs, its seeded accounts and region
 * URLs, so that a person knows whom to sign in as and the page can name a grant's region.
 */
@Controller("/demo/api/config")
@Requires(property = DemoController.ENABLED, value = "true")
@Secured(SecurityRule.IS_ANONYMOUS)
class DemoConfigController {
    private final URI publicUrl;
    private final Optional<SentryStandIn> standIn;

    DemoConfigController(SentryConnectProperties plugin, Optional<SentryStandIn> standIn) {
        this.publicUrl = plugin.publicUrl();
        this.standIn = standIn;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record DemoConfig(String publicUrl, String demoUrl, @Nullable StandInInfo standin) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record StandInInfo(String url, Map<String, String> regions, List<Account> accounts) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record Account(String id, String name, String email, List<Organization> organizations) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record Organization(String slug, String name, String region) {
    }

    @Get
    DemoConfig config() {
        return new DemoConfig(publicUrl.toString(), DemoAnnouncement.demoUrl(publicUrl),
                standIn.map(DemoConfigController::describe).orElse(null));
    }

    private static StandInInfo describe(SentryStandIn standIn) {
        Fixtures fixtures = standIn.fixtures();
        Map<String, String> regions = new LinkedHashMap<>();
        for (String region : List.of("us", "de")) {
            regions.put(region, standIn.regionUrl(region).toString());
        }
        List<Account> accounts = fixtures.users().stream()
                .map(user -> new Account(user.id(), user.name(), user.email(), fixtures.organizationsOf(user.id()).stream()
                        .map(org -> new Organization(org.slug(), org.name(), org.region()))
                        .toList()))
                .toList();
        return new StandInInfo(standIn.baseUrl().toString(), regions, accounts);
    }
}
