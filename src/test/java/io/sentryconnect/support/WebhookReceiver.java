package io.sentryconnect.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A local webhook receiver for tests: records every delivery, and can be told to fail the next N. */
public final class WebhookReceiver implements AutoCloseable {
    /** One delivery as received. */
    public record Delivery(Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile String failOnlyContaining = "";
    private final AtomicInteger attempts = new AtomicInteger();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            attempts.incrementAndGet();
            int status;
            boolean targeted = new String(body, StandardCharsets.UTF_8).contains(failOnlyContaining);
            if (targeted && failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else {
                deliveries.add(new Delivery(Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public void failNext(int n) {
        failNext(n, "");
    }

    /** Fails the next {@code n} deliveries whose body contains {@code marker} (e.g. a tenant id); others succeed. */
    public void failNext(int n, String marker) {
        failOnlyContaining = marker;
        failNext.set(n);
    }

    public int attempts() {
        return attempts.get();
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
