package io.sentryconnect;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A type of the plugin's JSON (its API's bodies, Sentry's answers it reads, its events and fixtures), as Jackson
 * databind reads it: snake_case member names and unknown members ignored. Each such type carries
 * {@code @Serdeable(naming = SnakeCaseStrategy.class)} too, which says the same to micronaut-serde (serde's processor
 * reads it only where it is written, not inside another annotation). A host's JSON is either implementation
 * (micronaut-serde-jackson or micronaut-jackson-databind), and neither its choice nor its settings (a naming strategy,
 * refusing unknown properties) may reshape the plugin's wire. Inclusion of nulls is said per type
 * ({@code @JsonInclude}); instants are RFC 3339 strings made by the types themselves, so no date setting applies.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@JacksonAnnotationsInside
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public @interface PluginJson {
}
