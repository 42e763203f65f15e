package io.sentryconnect.platform;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.security.token.jwt.signature.ReactiveSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.micronaut.security.token.jwt.signature.secret.SecretSignatureConfiguration;
import io.sentryconnect.SentryConnectProperties;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Refuses to start without a way to verify platform JWTs. With no signature configured, micronaut-security-jwt
 * accepts unsigned ({@code alg: none}) tokens — anyone could then claim any tenant — so a missing secret or JWKS URL
 * must stop the service, not open it. In the standalone service, whose JWT settings are its own, an HMAC secret
 * shorter than its algorithm's hash (RFC 7518 3.2: 32 bytes for HS256) stops it too: the JWT library refuses such a
 * key at every verification, so the service started healthy and answered every caller 401, saying nothing. A host's
 * own JWT settings are the host's: there the plugin checks only that a signature exists.
 */
@Context
// Only where micronaut-security-jwt is present (the standalone service, or a host that verifies JWTs with it): the
// plugin itself does not bring it.
@Requires(classes = SignatureConfiguration.class)
@Requires(property = "micronaut.security.token.jwt.enabled", notEquals = "false")
final class SignatureRequired {
    SignatureRequired(List<SignatureConfiguration> signatures, List<ReactiveSignatureConfiguration<?>> reactiveSignatures,
                      List<SecretSignatureConfiguration> secrets, SentryConnectProperties plugin) {
        // A JWKS URL registers only a reactive signature configuration; an HMAC secret registers a plain one.
        if (signatures.isEmpty() && reactiveSignatures.isEmpty()) {
            throw new ConfigurationException("No platform JWT signature is configured: set "
                    + "micronaut.security.token.jwt.signatures.secret.<name>.secret (HMAC) or "
                    + "micronaut.security.token.jwt.signatures.jwks.<name>.url (JWKS). Without one, unsigned tokens would pass.");
        }
        if (plugin.standalone()) {
            secrets.forEach(SignatureRequired::longEnough);
        }
    }

    /** The secret's key length against its algorithm's; the message names the key, never the secret. */
    static void longEnough(SecretSignatureConfiguration secret) {
        String key = "micronaut.security.token.jwt.signatures.secret." + secret.getName() + ".secret";
        String value = secret.getSecret() == null ? "" : secret.getSecret();
        // As micronaut-security-jwt's SecretSignature reads it; a secret marked base64 that is not fails there first.
        int bytes = secret.isBase64() ? Base64.getDecoder().decode(value).length : value.getBytes(StandardCharsets.UTF_8).length;
        String algorithm = secret.getJwsAlgorithm() == null ? "HS256" : secret.getJwsAlgorithm().getName();
        int needed = switch (algorithm) {
            case "HS384" -> 48;
            case "HS512" -> 64;
            default -> 32;
        };
        if (bytes < needed) {
            throw new ConfigurationException(key + " is " + bytes + " bytes long: " + algorithm + " needs at least " + needed
                    + " (RFC 7518 3.2), and a shorter secret makes every platform token fail to verify");
        }
    }
}
