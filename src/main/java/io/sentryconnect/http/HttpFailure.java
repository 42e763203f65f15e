package io.sentryconnect.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;

/**
 * What a failed exchange on one of the plugin's HTTP clients amounts to, decided here for every caller (the API
 * client, the token client, organization discovery); each caller turns the kind into its own outcome.
 *
 * @param kind     what went wrong
 * @param status   the answer's status, or 0 when there was no answer
 * @param response the answer, when there was one
 */
public record HttpFailure(Kind kind, int status, @Nullable HttpResponse<?> response) {

    public enum Kind {
        /** No answer within the read timeout. */
        TIMEOUT,
        /** No connection, or it dropped before an answer. */
        UNREACHABLE,
        /** 429. */
        RATE_LIMITED,
        /** 5xx. */
        SERVER_ERROR,
        /** A success whose body could not be read, or any other failure to read an answer. */
        UNREADABLE,
        /** Any other status: the server refused the request. */
        REFUSED
    }

    /** Classifies what a blocking exchange (or a read of its body) threw. */
    public static HttpFailure of(RuntimeException e) {
        if (e instanceof HttpClientResponseException answered) {
            return new HttpFailure(kindOf(answered.code()), answered.code(), answered.getResponse());
        }
        if (e instanceof ReadTimeoutException) {
            return new HttpFailure(Kind.TIMEOUT, 0, null);
        }
        if (e instanceof HttpClientException) {
            return new HttpFailure(Kind.UNREACHABLE, 0, null);
        }
        return new HttpFailure(Kind.UNREADABLE, 0, null);
    }

    /** The kind of an answer with {@code status} that the client reported as a failure. */
    public static Kind kindOf(int status) {
        if (status == 429) {
            return Kind.RATE_LIMITED;
        }
        if (status >= 500) {
            return Kind.SERVER_ERROR;
        }
        if (status >= 200 && status < 300) {
            return Kind.UNREADABLE;
        }
        return Kind.REFUSED;
    }

    /** Whether the same request may succeed later: a timeout, no connection, a rate limit or a server error. */
    public boolean transientFailure() {
        return kind == Kind.TIMEOUT || kind == Kind.UNREACHABLE || kind == Kind.RATE_LIMITED || kind == Kind.SERVER_ERROR;
    }
}
