package io.sentryconnect.bench;

import io.sentryconnect.support.ServiceProcess;
import io.sentryconnect.support.TcpProxy;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.EncryptionProperties;
import io.sentryconnect.token.AssociatedData;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 1 (proxy overhead) and 5 (footprint). The same GET — a project list of 2 projects — three ways, with
 * {@code wrk} at 1 connection (latency) and 16 connections (throughput), two rounds in one run: straight to the
 * stand-in's region with the grant's own token; through nginx in front of the region, injecting the token (the
 * peer: a plain gateway); and through {@code /api/v1/grants/{id}/sentry/…}. Then the database round trips of a
 * proxied call, counted at a TCP proxy in front of PostgreSQL by a second service process. The stand-in, nginx and
 * the service are processes of their own.
 */
public final class ProxyOverheadBench {
    private static final Duration PHASE = Duration.ofSeconds(Long.getLong("bench.wrk-seconds", 8));
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    /**
     * Each arm's warm-up at 16 connections: with 5 s, round 1 ran 3-6 times slower at 1 connection than round 2 in
     * every run on 2 shared cores (the service's JIT still compiling), so only round 2 measured the proxy.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warm-up-seconds", 20));
    /** The test configuration's keys (application-test.yml): the service processes run in the test environment. */
    private static final EncryptionProperties TEST_KEYS = new EncryptionProperties(2, Map.of(
            "1", "BWCWDW6bZAZwrHpSll+Fb+Tcd6zMceJ+T7GORt0mYCA=",
            "2", "1LnNN+KE5wF//pK1rEqlGEGbslPiXfc1ML5sJQM1ETk="));
    private static final String PATH = "organizations/acme/projects/";
    private static final String HEARTBEAT = "SELECT 1";

    private ProxyOverheadBench() {
    }

    /** One way of sending the GET: its URL and headers, and its figures of each round. */
    private record Arm(String name, String url, Map<String, String> headers, List<Wrk.Result> single, List<Wrk.Result> sixteen) {
        Arm(String name, String url, Map<String, String> headers) {
            this(name, url, headers, new ArrayList<>(), new ArrayList<>());
        }
    }

    public static void main(String[] args) throws Exception {
        Bench.printMachine("proxy overhead and footprint");
        try (Bench.StandInProcess standIn = new Bench.StandInProcess()) {
            ServiceProcess service = Bench.service("bench-proxy", standIn, Map.of());
            try {
                Duration startup = service.awaitHealthy(Duration.ofMinutes(3));
                long idleRss = service.residentKiB();
                String tenant = "t-bench-proxy";
                String jwt = Bench.jwt(service, tenant, "u1");
                String grantId = Bench.link(service.url(), standIn, jwt, "1", "acme");
                Map<String, Object> row = TestDatabase.query("SELECT region_url, access_token FROM sentry_connect_grant WHERE id = ?::uuid", grantId).get(0);
                String token = new TokenCipher(TEST_KEYS).decrypt((byte[]) row.get("access_token"),
                        AssociatedData.grantToken(tenant, UUID.fromString(grantId), "access")).reveal();
                URI region = URI.create((String) row.get("region_url"));
                System.out.printf(Locale.ROOT, "service: started in %d ms (process start to /health UP), RSS %d MiB idle, JVM %s%n",
                        startup.toMillis(), idleRss / 1024, Bench.SERVICE_JVM);
                try (Nginx nginx = new Nginx(region, token)) {
                    Arm direct = new Arm("direct", region + "/api/0/" + PATH,
                            Map.of("Authorization", "Bearer " + token, "Accept", "application/json"));
                    Arm gateway = new Arm("nginx", nginx.apiUrl() + PATH, Map.of("Accept", "application/json"));
                    Arm proxied = new Arm("sentry-connect", service.url() + "/api/v1/grants/" + grantId + "/sentry/" + PATH,
                            Map.of("Authorization", "Bearer " + jwt, "Accept", "application/json"));
                    List<Arm> arms = List.of(direct, gateway, proxied);
                    String expected = Bench.send(get(direct)).body();
                    for (Arm arm : arms) {
                        if (!expected.equals(Bench.send(get(arm)).body())) {
                            throw new IllegalStateException(arm.name() + ": the body differs from the direct one");
                        }
                    }
                    RssSampler rss = new RssSampler(service);
                    rss.start();
                    for (Arm arm : arms) {
                        Wrk.run(arm.url(), arm.headers(), 16, WARM_UP);
                    }
                    System.out.println("warm-up done (" + WARM_UP.toSeconds() + " s per arm); load " + Bench.loadAverage());
                    List<Double> cpuPerRequest = new ArrayList<>();
                    for (int round = 0; round < ROUNDS; round++) {
                        for (Arm arm : arms) {
                            arm.single().add(checked(arm, Wrk.run(arm.url(), arm.headers(), 1, PHASE)));
                            long cpuBefore = cpuNanos(service.pid());
                            arm.sixteen().add(checked(arm, Wrk.run(arm.url(), arm.headers(), 16, PHASE)));
                            if (arm == proxied) {
                                double requests = arm.sixteen().get(round).requestsPerSecond() * PHASE.toSeconds();
                                cpuPerRequest.add((cpuNanos(service.pid()) - cpuBefore) / 1_000.0 / requests);
                            }
                        }
                    }
                    rss.stop();
                    print(direct, gateway, proxied);
                    // CPU time per request is steadier than req/s on a shared machine: the service's own cost.
                    for (int round = 0; round < ROUNDS; round++) {
                        System.out.printf(Locale.ROOT, "  round %d service CPU per proxied request at 16 connections: %.1f us%n",
                                round + 1, cpuPerRequest.get(round));
                    }
                    System.out.printf(Locale.ROOT, "service RSS under this load: max %d MiB, at the end %d MiB%n", rss.max.get() / 1024, service.residentKiB() / 1024);
                }
            } finally {
                service.close();
            }
            countRoundTrips(standIn);
        }
        System.out.println("load average at the end: " + Bench.loadAverage());
        System.exit(0);
    }

    /** User + system CPU time of a process so far. */
    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    private static HttpRequest get(Arm arm) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(arm.url()));
        arm.headers().forEach(request::header);
        return request.build();
    }

    private static Wrk.Result checked(Arm arm, Wrk.Result result) {
        if (!result.errors().isEmpty()) {
            System.out.println("  " + arm.name() + ": " + result.errors());
        }
        return result;
    }

    /** The three arms of each round, then the goals as ratios of figures measured in the same round. */
    private static void print(Arm direct, Arm gateway, Arm proxied) {
        System.out.printf(Locale.ROOT, "wrk, %d s per arm and connection count, %d rounds (latency ms, throughput req/s):%n",
                PHASE.toSeconds(), ROUNDS);
        for (int round = 0; round < ROUNDS; round++) {
            for (Arm arm : List.of(direct, gateway, proxied)) {
                Wrk.Result one = arm.single().get(round);
                System.out.printf(Locale.ROOT, "  round %d %-15s 1 conn p50 %.3f p99 %.3f | 16 conns %.0f req/s (p50 %.3f p99 %.3f)%n",
                        round + 1, arm.name(), one.p50Ms(), one.p99Ms(), arm.sixteen().get(round).requestsPerSecond(),
                        arm.sixteen().get(round).p50Ms(), arm.sixteen().get(round).p99Ms());
            }
            double base = direct.single().get(round).p50Ms();
            double nginxAdded = gateway.single().get(round).p50Ms() - base;
            double ourAdded = proxied.single().get(round).p50Ms() - base;
            double p99Ratio = proxied.single().get(round).p99Ms() / gateway.single().get(round).p99Ms();
            double throughput = proxied.sixteen().get(round).requestsPerSecond() / gateway.sixteen().get(round).requestsPerSecond();
            System.out.printf(Locale.ROOT, "  round %d goals: added p50 %.3f ms (nginx %.3f ms): %s <= 0.2 ms, %.1f x nginx's %s <= 4 | "
                            + "p99 %.2f x nginx's %s <= 2 | 16-conn throughput %.2f x nginx's %s >= 0.5%n",
                    round + 1, ourAdded, nginxAdded, verdict(ourAdded <= 0.2), ourAdded / nginxAdded, verdict(ourAdded <= 4 * nginxAdded),
                    p99Ratio, verdict(p99Ratio <= 2), throughput, verdict(throughput >= 0.5));
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
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
                long trips = proxy.roundTrips() - before;
                Map<String, Long> statementsAfter = proxy.statements();
                // The token cache's change listener confirms it is caught up every 100 ms: time-bound, not per call.
                long heartbeats = statementsAfter.getOrDefault(HEARTBEAT, 0L) - statementsBefore.getOrDefault(HEARTBEAT, 0L);
                double perCall = (trips - heartbeats) / (double) calls;
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
                System.out.printf(Locale.ROOT, "database round trips: %.2f per proxied call with a valid token (%d calls; "
                                + "besides them %d heartbeats of the change listener); %d for a call that refreshes (status %d)%n",
                        perCall, calls, heartbeats, refreshTrips, refreshed.statusCode());
            } finally {
                counted.close();
            }
        }
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
