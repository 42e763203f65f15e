package io.sentryconnect.platform;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.SecurityFilter;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Lets a controller method take a {@link PlatformCaller} argument, read from the verified JWT's claims. */
@Singleton
final class PlatformCallerBinder implements TypedRequestArgumentBinder<PlatformCaller> {
    private final PlatformProperties properties;

    PlatformCallerBinder(PlatformProperties properties) {
        this.properties = properties;
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
        Optional<PlatformCaller> caller = request.getUserPrincipal(Authentication.class).map(this::caller);
        return () -> caller;
    }

    private PlatformCaller caller(Authentication authentication) {
        var attributes = authentication.getAttributes();
        String tenant = String.valueOf(attributes.get(properties.getTenantClaim()));
        Object user = attributes.get(properties.getUserClaim());
        return PlatformCaller.of(tenant, user == null ? authentication.getName() : String.valueOf(user),
                roles(attributes.get(properties.getRolesClaim())), properties.getTenantAdminRole());
    }

    private static Set<String> roles(Object claim) {
        Set<String> roles = new HashSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> roles.add(String.valueOf(v)));
        } else if (claim instanceof String value) {
            roles.add(value);
        }
        return roles;
    }
}
