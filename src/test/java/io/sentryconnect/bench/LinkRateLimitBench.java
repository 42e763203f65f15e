package io.sentryconnect.bench;

import io.sentryconnect.support.ServiceProcess;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 6: one platform user floods {@code POST /api/v1/links} (2,000 requests, 50 at a time) against the default
 * rate limits: how many are created, how many refused with {@code 429} and {@code Retry-After}, how fast the refusals
 * come, and whether {@code /health} stays UP meanwhile and after.
 */
public final class LinkRateLimitBench {
    private static final int REQUESTS = Integer.getInteger("bench.requests", 2000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 50);

    private LinkRateLimitBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        Bench.printMachine("link creation rate limit");
        try (Bench.StandInProcess standIn = new Bench.StandInProcess();
             ServiceProcess service = Bench.service("bench-rate-limit", standIn, Map.of())) {
            service.awaitHealthy(Duration.ofMinutes(3));
            String jwt = Bench.jwt(service, "t-bench-rate", "u-flood");
            String other = Bench.jwt(service, "t-bench-rate", "u-quiet");
            Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            AtomicLong withRetryAfter = new AtomicLong();
            AtomicLong healthUp = new AtomicLong();
            AtomicLong healthChecks = new AtomicLong();
            Bench.Samples latency = new Bench.Samples();
            ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
            long start = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                int n = i;
                pool.submit(() -> {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = Bench.send(HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/links"))
                            .header("Content-Type", "application/json").header("Authorization", "Bearer " + jwt)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"return_to\":\"" + Bench.RETURN_TO + "\"}")).build());
                    latency.add(System.nanoTime() - t0);
                    statuses.computeIfAbsent(response.statusCode(), s -> new AtomicLong()).incrementAndGet();
                    if (response.statusCode() == 429 && response.headers().firstValue("Retry-After").isPresent()) {
                        withRetryAfter.incrementAndGet();
                    }
                    if (n % 100 == 0) {
                        healthChecks.incrementAndGet();
                        if (health(service)) {
                            healthUp.incrementAndGet();
                        }
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            int quiet = Bench.send(HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/links"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + other)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"return_to\":\"" + Bench.RETURN_TO + "\"}")).build()).statusCode();
            System.out.printf(Locale.ROOT, "%d link requests by one user, %d at a time, in %.1f s (%.0f req/s); statuses %s; "
                            + "429 with Retry-After %d; latency p50 %.1f ms p99 %.1f ms%n",
                    REQUESTS, CONCURRENCY, seconds, REQUESTS / seconds, new TreeMap<>(statuses), withRetryAfter.get(),
                    latency.quantileMs(0.5), latency.quantileMs(0.99));
            System.out.printf(Locale.ROOT, "/health UP during the flood: %d of %d checks; after: %s; another user of the tenant: %d%n",
                    healthUp.get(), healthChecks.get(), health(service) ? "UP" : "NOT UP", quiet);
        }
        System.out.println("load average at the end: " + Bench.loadAverage());
        System.exit(0);
    }

    private static boolean health(ServiceProcess service) {
        HttpResponse<String> response = Bench.send(HttpRequest.newBuilder(URI.create(service.url() + "/health")).build());
        return response.statusCode() == 200 && response.body().contains("\"UP\"");
    }
}
