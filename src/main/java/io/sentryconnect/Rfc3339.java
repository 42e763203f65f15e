package io.sentryconnect;

import io.micronaut.context.annotation.Bean;
import io.micronaut.core.type.Argument;
import io.micronaut.serde.Encoder;
import io.micronaut.serde.Serializer;

import jakarta.inject.Singleton;

import java.io.IOException;
import java.time.Instant;

/**
 * Writes an {@link Instant} of the plugin's JSON as the RFC 3339 string its contract names ({@link Instant#toString()}:
 * UTC, {@code Z}, as many fraction digits as the value has), whatever the host set for its own instants
 * ({@code micronaut.serde.time-write-shape}, {@code micronaut.serde.write-dates-as-timestamps}). Named on each
 * property ({@code @Serdeable.Serializable(using = Rfc3339.class)}), which serde resolves as a bean; the bean is
 * typed as this class only, so serde's look-up of a {@code Serializer<Instant>} never finds it and the host's own
 * instants keep the host's settings. Hand-written because serde's {@code @JsonFormat} takes a pattern, and no pattern
 * writes a variable number of fraction digits.
 */
@Singleton
@Bean(typed = Rfc3339.class)
public final class Rfc3339 implements Serializer<Instant> {

    @Override
    public void serialize(Encoder encoder, EncoderContext context, Argument<? extends Instant> type, Instant value)
            throws IOException {
        encoder.encodeString(value.toString());
    }
}
