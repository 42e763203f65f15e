package io.sentryconnect.bench;

import io.sentryconnect.support.ServiceProcess;
import io.sentryconnect.support.TcpProxy;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.AssociatedData;
import io.sentryconnect.token.EncryptionProperties;
import io.sentryconnect.token.TokenCipher;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark 1 (proxy overhead) and 5 (footprint). The same GET — a project list of 2 projects — once through
 * {@code /api/v1/grants/{id}/sentry/…} and once straight to the stand-in's region with the grant's own token,
 * alternating direct/proxied phases in one run: at a fixed rate (added latency) and closed-loop (throughput).
 * Then the database round trips of a proxied call, counted at a TCP proxy in front of PostgreSQL by a second
 * service process. The stand-in and the service are processes of their own.
 */
public final class ProxyOverheadBench {
    private static final int RATE = Integer.getInteger("bench.rate", 200);
    private static final Duration FIXED_PHASE = Duration.ofSeconds(Long.getLong("bench.fixed-seconds", 15));
    private static final Duration SATURATION_PHASE = Duration.ofSeconds(Long.getLong("bench.saturation-seconds", 10));
    private static final int WORKERS = Integer.getInteger("bench.workers", 16);
    /** The test configuration's keys (application-test.yml): the service processes run in the test environment. */
    private static final EncryptionProperties TEST_KEYS = new EncryptionProperties(2, Map.of(
            "1", "BWCWDW6bZAZwrHpSll+Fb+Tcd6zMceJ+T7GORt0mYCA=",
            "2", "1LnNN+KE5wF//pK1rEqlGEGbslPiXfc1ML5sJQM1ETk="));

    private ProxyOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        Bench.printMachine("proxy overhead and footprint");
        try (Bench.StandInProcess standIn = new Bench.StandInProcess()) {
            ServiceProcess service = Bench.service("bench-proxy", standIn, Map.of());
            Duration startup;
            try {
                startup = service.awaitHealthy(Duration.ofMinutes(3));
                long idleRss = service.residentKiB();
                String tenant = "t-bench-proxy";
                String jwt = Bench.jwt(service, tenant, "u1");
                String grantId = Bench.link(service.url(), standIn, jwt, "1", "acme");
                Map<String, Object> row = TestDatabase.query("SELECT region_url, access_token FROM sentry_connect_grant WHERE id = ?::uuid", grantId).get(0);
                String token = new TokenCipher(TEST_KEYS).decrypt((byte[]) row.get("access_token"),
                        AssociatedData.grantToken(tenant, UUID.fromString(grantId), "access")).reveal();
                HttpRequest direct = HttpRequest.newBuilder(URI.create(row.get("region_url") + "/api/0/organizations/acme/projects/"))
                        .header("Authorization", "Bearer " + token).header("Accept", "application/json").build();
                HttpRequest proxied = HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/grants/" + grantId
                        + "/sentry/organizations/acme/projects/")).header("Authorization", "Bearer " + jwt).header("Accept", "application/json").build();
                String directBody = Bench.send(direct).body();
                if (!directBody.equals(Bench.send(proxied).body())) {
                    throw new IllegalStateException("the proxied body differs from the direct one");
                }
                System.out.printf(Locale.ROOT, "service: started in %d ms (process start to /health UP), RSS %d MiB idle, JVM %s%n",
                        startup.toMillis(), idleRss / 1024, Bench.SERVICE_JVM);

                RssSampler rss = new RssSampler(service);
                rss.start();
                closedLoop(direct, WORKERS, Duration.ofSeconds(8));
                closedLoop(proxied, WORKERS, Duration.ofSeconds(8));
                System.out.println("warm-up done; load " + Bench.loadAverage());

                List<Bench.Samples> directFixed = new ArrayList<>();
                List<Bench.Samples> proxiedFixed = new ArrayList<>();
                for (int round = 0; round < 2; round++) {
                    directFixed.add(fixedRate(direct, RATE, FIXED_PHASE));
                    proxiedFixed.add(fixedRate(proxied, RATE, FIXED_PHASE));
                }
                System.out.printf(Locale.ROOT, "fixed rate %d req/s, %d s phases, alternating direct/proxied twice (ms):%n", RATE, FIXED_PHASE.toSeconds());
                for (int round = 0; round < 2; round++) {
                    Bench.Samples d = directFixed.get(round);
                    Bench.Samples p = proxiedFixed.get(round);
                    System.out.printf(Locale.ROOT, "  round %d: direct p50 %.2f p99 %.2f (n=%d) | proxied p50 %.2f p99 %.2f (n=%d) | added p50 %.2f p99 %.2f%n",
                            round + 1, d.quantileMs(0.5), d.quantileMs(0.99), d.size(), p.quantileMs(0.5), p.quantileMs(0.99), p.size(),
                            p.quantileMs(0.5) - d.quantileMs(0.5), p.quantileMs(0.99) - d.quantileMs(0.99));
                }

                double[] directRps = new double[2];
                double[] proxiedRps = new double[2];
                for (int round = 0; round < 2; round++) {
                    directRps[round] = closedLoop(direct, WORKERS, SATURATION_PHASE);
                    proxiedRps[round] = closedLoop(proxied, WORKERS, SATURATION_PHASE);
                }
                System.out.printf(Locale.ROOT, "saturation, %d closed-loop workers, %d s phases (req/s):%n", WORKERS, SATURATION_PHASE.toSeconds());
                for (int round = 0; round < 2; round++) {
                    System.out.printf(Locale.ROOT, "  round %d: direct %.0f | proxied %.0f | ratio proxied/direct %.2f%n",
                            round + 1, directRps[round], proxiedRps[round], proxiedRps[round] / directRps[round]);
                }
                rss.stop();
                System.out.printf(Locale.ROOT, "service RSS under this load: max %d MiB, at the end %d MiB%n", rss.max.get() / 1024, service.residentKiB() / 1024);
            } finally {
                service.close();
            }
            countRoundTrips(standIn);
        }
        System.out.println("load average at the end: " + Bench.loadAverage());
        System.exit(0);
    }

    /** A second service process whose database connections pass a counting TCP proxy. */
    private static void countRoundTrips(Bench.StandInProcess standIn) {
        URI database = URI.create(TestDatabase.database().url().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(database.getHost(), database.getPort() == -1 ? 5432 : database.getPort())) {
            ServiceProcess counted = Bench.service("bench-proxy-db", standIn, Map.of(
                    "datasources.default.url", proxy.jdbcUrl(TestDatabase.database().url(), TestDatabase.database().schema())));
            try {
                counted.awaitHealthy(Duration.ofMinutes(3));
                String tenant = "t-bench-roundtrips";
                String jwt = Bench.jwt(counted, tenant, "u1");
                String grantId = Bench.link(counted.url(), standIn, jwt, "1", "globex");
                HttpRequest proxied = HttpRequest.newBuilder(URI.create(counted.url() + "/api/v1/grants/" + grantId
                        + "/sentry/organizations/globex/projects/")).header("Authorization", "Bearer " + jwt).build();
                for (int i = 0; i < 200; i++) {
                    Bench.send(proxied);
                }
                int calls = 1000;
                Map<String, Long> statementsBefore = proxy.statements();
                long before = proxy.roundTrips();
                for (int i = 0; i < calls; i++) {
                    if (Bench.send(proxied).statusCode() != 200) {
                        throw new IllegalStateException("proxied call failed");
                    }
                }
                double perCall = (proxy.roundTrips() - before) / (double) calls;
                Map<String, Long> statementsAfter = proxy.statements();
                statementsAfter.forEach((text, count) -> {
                    long sent = count - statementsBefore.getOrDefault(text, 0L);
                    if (sent > 0) {
                        System.out.printf(Locale.ROOT, "  %.2f per call: %s%n", sent / (double) calls, text.length() > 100 ? text.substring(0, 100) + "…" : text);
                    }
                });
                standIn.expire("globex");
                long beforeRefresh = proxy.roundTrips();
                HttpResponse<String> refreshed = Bench.send(proxied);
                long refreshTrips = proxy.roundTrips() - beforeRefresh;
                System.out.printf(Locale.ROOT, "database round trips: %.2f per proxied call with a valid token (%d calls); %d for a call that refreshes (status %d)%n",
                        perCall, calls, refreshTrips, refreshed.statusCode());
            } finally {
                counted.close();
            }
        }
    }

    /** Requests sent at fixed intervals whatever the answers do; latency counts from the planned send time. */
    static Bench.Samples fixedRate(HttpRequest request, int rate, Duration duration) {
        Bench.Samples samples = new Bench.Samples();
        AtomicLong errors = new AtomicLong();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long total = duration.toSeconds() * rate;
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (long i = 0; i < total; i++) {
            long planned = start + i * interval;
            long wait = planned - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            pending.add(Bench.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, error) -> {
                if (error != null || response.statusCode() != 200) {
                    errors.incrementAndGet();
                } else {
                    samples.add(System.nanoTime() - planned);
                }
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
        if (errors.get() > 0) {
            System.out.println("  errors: " + errors.get());
        }
        return samples;
    }

    /** {@code workers} threads sending back to back for {@code duration}; returns completed requests per second. */
    static double closedLoop(HttpRequest request, int workers, Duration duration) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        if (Bench.HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() == 200) {
                            done.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        if (errors.get() > 0) {
            System.out.println("  errors: " + errors.get());
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** Samples the service's resident memory every 250 ms. */
    private static final class RssSampler {
        final AtomicLong max = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        RssSampler(ServiceProcess service) {
            thread = new Thread(() -> {
                while (running.get()) {
                    max.accumulateAndGet(service.residentKiB(), Math::max);
                    Bench.sleep(250);
                }
            });
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
