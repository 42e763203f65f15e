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

import reactor.core.publisher.Mono;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One exchange with Sentry's API, and the retry policy around it (micronaut-retry): idempotent calls that meet a
 * 5xx, a timeout or a dropped connection are repeated with exponential backoff and jitter, up to
 * {@code sentry-connect.retry.max-retries} times; then {@link SentryServerError} says what the last attempt met.
 * The client is the plugin's own ({@code sentry-connect.http.api-*}); Sentry's 4xx answers are passed through.
 */
@Singleton
public class SentryHttp {
    private static final Argument<byte[]> BYTES = Argument.of(byte[].class);
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
        return settle(() -> http.toBlocking().exchange(request.get(), BYTES, BYTES));
    }

    /** {@link #idempotent(Supplier)} whose first attempt is {@code first} when given (it was sent already). */
    @Retryable(includes = SentryServerError.class,
            attempts = "${sentry-connect.retry.max-retries:2}",
            delay = "${sentry-connect.retry.delay:200ms}",
            multiplier = "2.0",
            jitter = "0.25")
    HttpResponse<byte[]> idempotent(Supplier<MutableHttpRequest<?>> request, @Nullable FirstAttempt first) {
        return once(request, first);
    }

    /** {@link #once(Supplier)}, or {@code first}'s outcome once when given. */
    HttpResponse<byte[]> once(Supplier<MutableHttpRequest<?>> request, @Nullable FirstAttempt first) {
        return first != null && first.take() ? settle(first::replay) : once(request);
    }

    /**
     * Sends {@code request} without blocking: the proxy's path for a grant in the cache. Its outcome is either passed
     * through at once ({@link FirstAttempt#plainAnswer}) or handed to the blocking path as its first attempt.
     */
    CompletableFuture<FirstAttempt> sendFirst(MutableHttpRequest<?> request, String token) {
        return Mono.from(http.exchange(request, BYTES, BYTES)).toFuture()
                .handle((response, error) -> new FirstAttempt(token, response,
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error));
    }

    /** Sentry's answer, or the failure that the retry policy acts on. */
    private static HttpResponse<byte[]> settle(Supplier<HttpResponse<byte[]>> exchange) {
        HttpResponse<byte[]> response;
        try {
            response = exchange.get();
        } catch (HttpClientResponseException e) {
            // Sentry's 4xx (and 5xx) answers are answers, to be passed through or retried, not failures of ours.
            HttpResponse<?> answer = e.getResponse();
            MutableHttpResponse<byte[]> copy = HttpResponse.<byte[]>status(answer.status())
                    .body(answer.getBody(byte[].class).orElse(new byte[0]));
            answer.getHeaders().forEach((name, values) -> values.forEach(value -> copy.getHeaders().add(name, value)));
            response = copy;
        } catch (io.micronaut.http.client.exceptions.ContentLengthExceededException e) {
            // Larger than the api client's max-content-length: the same request would get the same answer.
            throw new SentryAnswerTooLarge();
        } catch (HttpClientException e) {
            throw new SentryServerError(HttpFailure.of(e).kind() == HttpFailure.Kind.TIMEOUT, null);
        }
        if (response.code() >= 500) {
            throw new SentryServerError(false, response);
        }
        return response;
    }

    /** One exchange made already with {@code token}: its answer or its failure, to be used at most once. */
    static final class FirstAttempt {
        private final String token;
        private final @Nullable HttpResponse<byte[]> response;
        private final @Nullable Throwable error;
        private final AtomicBoolean taken = new AtomicBoolean();

        private FirstAttempt(String token, @Nullable HttpResponse<byte[]> response, @Nullable Throwable error) {
            this.token = token;
            this.response = response;
            this.error = error;
        }

        /** Whether it was made with this token (a call that refreshed first sends anew). */
        boolean madeWith(String accessToken) {
            return token.equals(accessToken);
        }

        /** The answer to pass through as it is: neither a 401 (the token's business) nor a failure (the retries'). */
        @Nullable
        HttpResponse<byte[]> plainAnswer() {
            try {
                HttpResponse<byte[]> answer = settle(this::replay);
                return answer.code() == 401 ? null : answer;
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** Whether Sentry answered 401: the token's business, so the grant is read again. */
        boolean unauthorized() {
            return response != null ? response.code() == 401
                    : error instanceof HttpClientResponseException answered && answered.code() == 401;
        }

        private boolean take() {
            return taken.compareAndSet(false, true);
        }

        private HttpResponse<byte[]> replay() {
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (error != null) {
                throw new HttpClientException(error.getMessage() == null ? error.getClass().getName() : error.getMessage(), error);
            }
            return response;
        }
    }
}
