package io.sentryconnect.platform;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.HttpRequest;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.validator.AudienceJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ExpirationJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.IssuerJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.NotBeforeJwtClaimsValidator;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import io.micronaut.security.token.jwt.validator.SubjectNotNullJwtClaimsValidator;
import io.sentryconnect.Endpoints;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Puts {@link VerifyingOnce} in front of micronaut-security-jwt's own validator (not a host's), so that a platform JWT this instance has
 * verified is not verified again on the plugin's own routes (a host's routes are left to the framework) (an HMAC or signature check and a JSON parse per request otherwise). Only where that
 * changes no decision: when every claims validator in the context is one of the framework's own, which look at the
 * claims alone (not the request) and whose verdict can only turn from accepted to refused by the passing of
 * {@code exp}. With any other validator (a host's own), the cache stays out and says so once at start.
 */
@Singleton
@Requires(classes = ReactiveJsonWebTokenValidator.class)
@Requires(property = "sentry-connect.platform.verified-token-cache.enabled", notEquals = "false")
@SuppressWarnings("rawtypes")
final class VerifiedTokenCache implements BeanCreatedEventListener<ReactiveJsonWebTokenValidator> {
    private static final Logger LOG = LoggerFactory.getLogger(VerifiedTokenCache.class);
    /** The framework's claims validators: each a function of the claims (and, for exp and nbf, of a later time). */
    private static final Set<Class<?>> CLAIMS_ONLY = Set.of(ExpirationJwtClaimsValidator.class,
            NotBeforeJwtClaimsValidator.class, IssuerJwtClaimsValidator.class, AudienceJwtClaimsValidator.class,
            SubjectNotNullJwtClaimsValidator.class);
    /** The framework's validator (package-private there, so named): the only one whose decisions are known here. */
    private static final String FRAMEWORK_VALIDATOR = "io.micronaut.security.token.jwt.nimbus.NimbusReactiveJsonWebTokenValidator";
    private final BeanContext context;
    private final VerifiedTokenCacheProperties properties;
    private final Endpoints endpoints;

    VerifiedTokenCache(BeanContext context, VerifiedTokenCacheProperties properties, Endpoints endpoints) {
        this.context = context;
        this.properties = properties;
        this.endpoints = endpoints;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ReactiveJsonWebTokenValidator onCreated(BeanCreatedEvent<ReactiveJsonWebTokenValidator> event) {
        ReactiveJsonWebTokenValidator validator = event.getBean();
        if (!FRAMEWORK_VALIDATOR.equals(event.getBeanDefinition().getBeanType().getName())) {
            // A host's own validator may decide by more than the token (a deny list): it is not ours to remember.
            return validator;
        }
        List<String> unknown = context.getBeanDefinitions(GenericJwtClaimsValidator.class).stream()
                .map(BeanDefinition::getBeanType)
                .filter(type -> !CLAIMS_ONLY.contains(type))
                .map(Class::getName)
                .collect(Collectors.toList());
        if (!unknown.isEmpty()) {
            LOG.info("Platform JWTs are verified on every request: claims validators {} may decide by more than the "
                    + "claims, so verified tokens are not remembered", unknown);
            return validator;
        }
        // Only the plugin's own routes: a host's routes keep the framework's verification on every request.
        return new VerifyingOnce<>(validator, properties, Clock.systemUTC(),
                request -> request instanceof HttpRequest<?> http && endpoints.owns(http.getPath()));
    }

    /** The exp claim as the framework's claims hold it (a Date), or another representation of an instant. */
    static Long epochMillis(Authentication authentication, String claim) {
        Object value = authentication.getAttributes().get(claim);
        java.time.Instant instant = ClaimsPlatformIdentity.instant(value);
        return instant == null ? null : instant.toEpochMilli();
    }
}
