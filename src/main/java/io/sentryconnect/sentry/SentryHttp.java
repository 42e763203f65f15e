package io.sentryconnect.sentry;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.retry.annotation.Retryable;
import io.sentryconnect.http.HttpFailure;
import io.sentryconnect.http.PluginHttpClients;
import jakarta.inject.Singleton;

import java.util.function.Supplier;

/**
 * One exchange with Sentry's API, and the retry policy around it (micronaut-retry): idempotent calls that meet a
 * 5xx, a timeout or a dropped connection are repeated with exponential backoff and jitter, up to
 * {@code sentry-connect.retry.max-retries} times; then {@link SentryServerError} says what the last attempt met.
 * The client is the plugin's own ({@code sentry-connect.http.api-*}); Sentry's 4xx answers are passed through.
 */
@Singleton
public class SentryHttp {
    private final HttpClient http;

    SentryHttp(PluginHttpClients clients) {
        this.http = clients.api();
    }

    /** The last failure of a retried call: Sentry's 5xx response, or a timeout, or no connection. */
    public static final class SentryServerError extends RuntimeException {
        private final boolean timeout;
        private final HttpResponse<byte[]> response;

        SentryServerError(boolean timeout, @Nullable HttpResponse<byte[]> response) {
            super(timeout ? "Sentry timed out" : response == null ? "Sentry could not be reached" : "Sentry answered " + response.code(),
                    null, false, false);
            this.timeout = timeout;
            this.response = response;
        }

        public boolean timeout() {
            return timeout;
        }

        @Nullable
        public HttpResponse<byte[]> response() {
            return response;
        }
    }

    @Retryable(includes = SentryServerError.class,
            attempts = "${sentry-connect.retry.max-retries:2}",
            delay = "${sentry-connect.retry.delay:200ms}",
            multiplier = "2.0",
            jitter = "0.25")
    public HttpResponse<byte[]> idempotent(Supplier<MutableHttpRequest<?>> request) {
        return once(request);
    }

    public HttpResponse<byte[]> once(Supplier<MutableHttpRequest<?>> request) {
        HttpResponse<byte[]> response;
        try {
            response = http.toBlocking().exchange(request.get(), Argument.of(byte[].class), Argument.of(byte[].class));
        } catch (HttpClientResponseException e) {
            // Sentry's 4xx (and 5xx) answers are answers, to be passed through or retried, not failures of ours.
            HttpResponse<?> answer = e.getResponse();
            MutableHttpResponse<byte[]> copy = HttpResponse.<byte[]>status(answer.status())
                    .body(answer.getBody(byte[].class).orElse(new byte[0]));
            answer.getHeaders().forEach((name, values) -> values.forEach(value -> copy.getHeaders().add(name, value)));
            response = copy;
        } catch (HttpClientException e) {
            throw new SentryServerError(HttpFailure.of(e).kind() == HttpFailure.Kind.TIMEOUT, null);
        }
        if (response.code() >= 500) {
            throw new SentryServerError(false, response);
        }
        return response;
    }
}
