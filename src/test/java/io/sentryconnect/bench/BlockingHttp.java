package io.sentryconnect.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load generator's HTTP/1.1 exchanges on the JDK's {@link HttpURLConnection}: blocking, in the calling worker's
 * thread, on kept-alive connections. The JDK's {@code java.net.http.HttpClient} sends the same requests, but spent
 * four fifths of the load generator's CPU in its asynchronous machinery (a selector thread, futures handed between
 * threads), CPU taken from the service on a shared machine. Never follows redirects and keeps no cookies: the flow
 * passes them by hand, as before.
 */
final class BlockingHttp {
    static {
        // Idle connections kept per destination (default 5): one per worker, so that none is closed and reopened.
        System.setProperty("http.maxConnections", "64");
    }

    private BlockingHttp() {
    }

    /** A status, the response headers (names as sent) and the body. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        List<String> all(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (name.equalsIgnoreCase(header.getKey())) {
                    return header.getValue();
                }
            }
            return List.of();
        }

        Optional<String> first(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    static Response get(String url, String... headers) {
        return send("GET", url, null, headers);
    }

    static Response post(String url, String body, String... headers) {
        return send("POST", url, body, headers);
    }

    /** @param headers name, value, name, value… */
    static Response send(String method, String url, String body, String... headers) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(30_000);
            // HttpURLConnection would otherwise send its own "text/html, image/gif, …" list; this one means the same as none.
            connection.setRequestProperty("Accept", "*/*");
            for (int i = 0; i < headers.length; i += 2) {
                connection.setRequestProperty(headers[i], headers[i + 1]);
            }
            if (body != null) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = connection.getResponseCode();
            String text;
            // Read to the end and close: only then is the connection kept alive for the next exchange.
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Response(status, connection.getHeaderFields(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
