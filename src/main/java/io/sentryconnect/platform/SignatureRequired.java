package io.sentryconnect.platform;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.security.token.jwt.signature.ReactiveSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;

import java.util.List;

/**
 * Refuses to start without a way to verify platform JWTs. With no signature configured, micronaut-security-jwt
 * accepts unsigned ({@code alg: none}) tokens — anyone could then claim any tenant — so a missing secret or JWKS URL
 * must stop the service, not open it.
 */
@Context
// Only where micronaut-security-jwt is present (the standalone service, or a host that verifies JWTs with it): the
// plugin itself does not bring it.
@Requires(classes = SignatureConfiguration.class)
@Requires(property = "micronaut.security.token.jwt.enabled", notEquals = "false")
final class SignatureRequired {
    SignatureRequired(List<SignatureConfiguration> signatures, List<ReactiveSignatureConfiguration<?>> reactiveSignatures) {
        // A JWKS URL registers only a reactive signature configuration; an HMAC secret registers a plain one.
        if (signatures.isEmpty() && reactiveSignatures.isEmpty()) {
            throw new ConfigurationException("No platform JWT signature is configured: set "
                    + "micronaut.security.token.jwt.signatures.secret.<name>.secret (HMAC) or "
                    + "micronaut.security.token.jwt.signatures.jwks.<name>.url (JWKS). Without one, unsigned tokens would pass.");
        }
    }
}
