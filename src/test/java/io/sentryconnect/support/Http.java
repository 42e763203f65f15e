package io.sentryconnect.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain JDK HTTP client with a cookie jar that does not follow redirects: the tests look at each hop. Every answer of
 * the service is checked against the contract ({@link Contract}).
 */
public final class Http {
    private final HttpClient client;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

    public Http() {
        client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public CookieManager cookies() {
        return cookies;
    }

    public HttpResponse<String> get(String url, String... headers) {
        return send(request(url, headers).GET().build());
    }

    public HttpResponse<String> delete(String url, String... headers) {
        return send(request(url, headers).DELETE().build());
    }

    public HttpResponse<String> postJson(String url, String json, String... headers) {
        return send(request(url, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> postForm(String url, String form, String... headers) {
        return send(request(url, headers).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    public HttpResponse<String> putJson(String url, String json, String... headers) {
        return send(request(url, headers).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Sends, and checks the service's answer against the contract (the OpenAPI document, the error format). */
    public HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response = sendUnchecked(request);
        Contract.check(request, response);
        return response;
    }

    /** Sends without the contract check: for tests that send what no client should and look at the answer themselves. */
    public HttpResponse<String> sendUnchecked(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpRequest.Builder request(String url, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    public static String[] bearer(String token) {
        return new String[]{"Authorization", "Bearer " + token};
    }
}
