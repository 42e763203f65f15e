package com.example.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A browser, or the platform's frontend: real HTTP, its own cookie jar, redirects one hop at a time. */
final class Browser {
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(String url, String... headers) {
        return send(request(url, headers).GET());
    }

    HttpResponse<String> postJson(String url, String json, String... headers) {
        return send(request(url, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> delete(String url, String... headers) {
        return send(request(url, headers).DELETE());
    }

    static String[] bearer(String jwt) {
        return new String[] {"Authorization", "Bearer " + jwt};
    }

    static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location: " + response.statusCode() + " " + response.body()));
    }

    private static HttpRequest.Builder request(String url, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
