package io.sentryconnect.platform;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.jwt.generator.JwtTokenGenerator;
import io.sentryconnect.ServiceFailure;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /dev/token}: mints a platform JWT for the demo page, curl and black-box tests. It exists only when
 * {@code sentry-connect.dev.token-endpoint} is true (the dev and test configurations), never in production.
 */
@Controller("/dev/token")
@Requires(property = "sentry-connect.dev.token-endpoint", value = "true")
@Requires(env = {Environment.DEVELOPMENT, Environment.TEST})
@Secured(SecurityRule.IS_ANONYMOUS)
class DevTokenController {
    private static final Duration LIFETIME = Duration.ofHours(8);
    private final JwtTokenGenerator generator;
    private final PlatformProperties properties;

    DevTokenController(JwtTokenGenerator generator, PlatformProperties properties) {
        this.generator = generator;
        this.properties = properties;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record DevTokenRequest(@NotBlank String tenant, @NotBlank String user, @Nullable List<String> roles) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    record DevTokenResponse(String token) {
    }

    @Post
    DevTokenResponse mint(@Valid @Body DevTokenRequest request) {
        // The wall clock, not the injected one: the framework checks exp, and ClaimsPlatformIdentity iat, against it.
        long now = Clock.systemUTC().instant().getEpochSecond();
        Map<String, Object> claims = new HashMap<>();
        if (properties.getIssuer() != null) {
            claims.put("iss", properties.getIssuer());
        }
        if (properties.getAudience() != null) {
            claims.put("aud", properties.getAudience());
        }
        claims.put("iat", now);
        claims.put("exp", now + LIFETIME.toSeconds());
        claims.put(properties.getUserClaim(), request.user());
        claims.put(properties.getTenantClaim(), request.tenant());
        claims.put(properties.getRolesClaim(), request.roles() == null ? List.of() : request.roles());
        return generator.generateToken(claims)
                .map(DevTokenResponse::new)
                .orElseThrow(() -> new ServiceFailure("The dev token could not be signed."));
    }
}
