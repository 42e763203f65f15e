package io.sentryconnect.platform;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.SecurityFilter;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Lets a controller method take a {@link PlatformCaller} argument, read through {@link PlatformIdentity} from the
 * authenticated principal. Only the plugin's controllers take that argument, so its rules apply to their routes only.
 * The principal must have come with the bearer token header ({@code Authorization}, or the host's
 * {@code micronaut.security.token.bearer.header-name}): a cookie or session of the host's is refused.
 */
@Singleton
final class PlatformCallerBinder implements TypedRequestArgumentBinder<PlatformCaller> {
    private final PlatformIdentity identity;
    /** The header micronaut-security's bearer token reader takes the token from (the host may rename it). */
    private final String tokenHeader;

    PlatformCallerBinder(PlatformIdentity identity,
                         @Value("${micronaut.security.token.bearer.header-name:Authorization}") String tokenHeader) {
        this.identity = identity;
        this.tokenHeader = tokenHeader;
    }

    @Override
    public Argument<PlatformCaller> argumentType() {
        return Argument.of(PlatformCaller.class);
    }

    @Override
    public BindingResult<PlatformCaller> bind(ArgumentConversionContext<PlatformCaller> context, HttpRequest<?> request) {
        if (!request.getAttributes().contains(SecurityFilter.KEY)) {
            return BindingResult.unsatisfied();
        }
        Optional<Authentication> authentication = request.getUserPrincipal(Authentication.class);
        if (authentication.isEmpty()) {
            return BindingResult.unsatisfied();
        }
        if (!request.getHeaders().contains(tokenHeader)) {
            // A host that also signs browsers in with a cookie (a cookie JWT, a session) authenticates this request
            // without the header; taking that caller would let any site's form make a signed-in browser call Sentry on
            // the user's grant (CSRF). The plugin's API routes are for bearer tokens, as docs/api.md says.
            throw IdentityRejected.withoutTokenHeader(tokenHeader);
        }
        PlatformCaller caller = identity.caller(authentication.get()).orElseThrow(IdentityRejected::new);
        return () -> Optional.of(caller);
    }
}
