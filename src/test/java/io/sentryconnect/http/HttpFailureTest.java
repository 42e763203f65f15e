package io.sentryconnect.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class HttpFailureTest {

    @Test
    void aTimeoutAndALostConnectionAreTransientWithoutAnAnswer() {
        HttpFailure timeout = HttpFailure.of(ReadTimeoutException.TIMEOUT_EXCEPTION);
        assertEquals(HttpFailure.Kind.TIMEOUT, timeout.kind());
        assertEquals(0, timeout.status());
        assertNull(timeout.response());
        assertTrue(timeout.transientFailure());
        HttpFailure unreachable = HttpFailure.of(new HttpClientException("Connect Error: Connection refused"));
        assertEquals(HttpFailure.Kind.UNREACHABLE, unreachable.kind());
        assertTrue(unreachable.transientFailure());
    }

    @Test
    void anAnswerIsClassifiedByItsStatus() {
        assertEquals(HttpFailure.Kind.RATE_LIMITED, answered(429).kind());
        assertEquals(HttpFailure.Kind.SERVER_ERROR, answered(500).kind());
        assertEquals(HttpFailure.Kind.SERVER_ERROR, answered(503).kind());
        assertEquals(HttpFailure.Kind.UNREADABLE, answered(200).kind(), "a success the client could not read");
        assertEquals(HttpFailure.Kind.REFUSED, answered(400).kind());
        assertEquals(HttpFailure.Kind.REFUSED, answered(401).kind());
        assertEquals(HttpFailure.Kind.REFUSED, answered(404).kind());
        assertEquals(HttpFailure.Kind.REFUSED, answered(302).kind());
        assertTrue(answered(429).transientFailure());
        assertTrue(answered(502).transientFailure());
        assertFalse(answered(400).transientFailure());
        assertFalse(answered(200).transientFailure());
    }

    @Test
    void anAnswerKeepsItsStatusAndResponse() {
        HttpResponse<?> response = HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).header("X-Sentry-Rate-Limit-Reset", "42");
        HttpFailure failure = HttpFailure.of(new HttpClientResponseException("Too Many Requests", response));
        assertEquals(429, failure.status());
        assertSame(response, failure.response());
    }

    @Test
    void anythingElseIsAnUnreadableAnswer() {
        HttpFailure failure = HttpFailure.of(new UncheckedIOException(new java.io.IOException("bad JSON")));
        assertEquals(HttpFailure.Kind.UNREADABLE, failure.kind());
        assertFalse(failure.transientFailure());
    }

    private static HttpFailure answered(int status) {
        return HttpFailure.of(new HttpClientResponseException("answer", HttpResponse.status(HttpStatus.valueOf(status))));
    }
}
