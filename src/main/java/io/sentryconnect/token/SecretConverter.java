package io.sentryconnect.token;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.core.convert.TypeConverter;
import jakarta.inject.Singleton;

import java.util.Optional;

/** Lets configuration properties be typed {@link Secret}: a secret read from the environment is never a bare string. */
@Singleton
final class SecretConverter implements TypeConverter<CharSequence, Secret> {
    @Override
    public Optional<Secret> convert(CharSequence value, Class<Secret> targetType, ConversionContext context) {
        return Optional.of(Secret.of(value.toString()));
    }
}
