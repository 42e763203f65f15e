package com.example.platform;

import io.micronaut.serde.annotation.Serdeable;

/** The platform's error body, on every route of its own. */
@Serdeable
record HostError(String errorCode, String errorMessage) {
}
