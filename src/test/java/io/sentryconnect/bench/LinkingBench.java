package io.sentryconnect.bench;

import io.sentryconnect.support.ServiceProcess;
import io.sentryconnect.support.TestDatabase;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 3: complete link flows per second (API ticket → start → our confirmation page → Continue → Sentry's
 * authorize, approved through the stand-in's browser-less control → callback with token exchange, organization
 * discovery and the grant write), each for a new platform user in an anonymous browser, by concurrent workers
 * against one service process.
 */
public final class LinkingBench {
    private static final int FLOWS = Integer.getInteger("bench.flows", 2000);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 300);
    private static final int WORKERS = Integer.getInteger("bench.workers", 8);
    /**
     * The harness's JVM options (the stand-in here, the load generator in bench/run.sh): the client compiler only, whose
     * compilations cost a fraction of C2's, and the serial collector; they share the two cores with the service.
     */
    static final List<String> SMALL_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    /**
     * The service's: the serial collector, which the JVM itself picks below two cores or 1792 MB and which made the
     * proxy cheaper too (README, benchmark 3). {@code -Dbench.service-c1=true} adds the client compiler only, which
     * halves the service's CPU per flow here but made a proxied call 3-4 times dearer; {@code
     * -Dbench.service-jvm-defaults=true} runs the service on the JVM's own defaults (tiered C1+C2, G1).
     */
    private static final List<String> SERVICE_OPTIONS = Boolean.getBoolean("bench.service-jvm-defaults") ? List.of()
            : Boolean.getBoolean("bench.service-c1") ? SMALL_JVM : List.of("-XX:+UseSerialGC");

    private LinkingBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        Bench.printMachine("linking throughput");
        System.out.println("service JVM options: " + SERVICE_OPTIONS + " " + Bench.SERVICE_JVM + "; stand-in: " + SMALL_JVM
                + " " + Bench.STANDIN_JVM + "; load generator: " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        try (Bench.StandInProcess standIn = new Bench.StandInProcess(SMALL_JVM);
             ServiceProcess service = Bench.service("bench-linking", standIn, Map.of(DB_URL, databaseUrl()), SERVICE_OPTIONS)) {
            service.awaitHealthy(Duration.ofMinutes(3));
            // Platform JWTs are minted before the clock starts: one per flow, each a different user.
            List<String> jwts = new ArrayList<>();
            for (int i = 0; i < FLOWS + WARMUP; i++) {
                jwts.add(Bench.jwt(service, "t-bench-link-" + (i % 100), "u" + i));
            }
            run(service, standIn, jwts.subList(0, WARMUP), "warm-up");
            // CPU time per flow of each process: steadier than flows/s on a shared machine, and it splits the cost
            // between the service, the stand-in (Sentry's share) and the load generator.
            // The database's share: the PostgreSQL backends of the service's connections, found by their application name.
            Map<Long, Long> backends = backendCpu();
            long[] before = {cpuNanos(service.pid()), cpuNanos(standIn.process.pid()), cpuNanos(ProcessHandle.current().pid())};
            int measured = run(service, standIn, jwts.subList(WARMUP, jwts.size()), "measured");
            long[] after = {cpuNanos(service.pid()), cpuNanos(standIn.process.pid()), cpuNanos(ProcessHandle.current().pid())};
            long database = backendCpu().entrySet().stream().mapToLong(e -> e.getValue() - backends.getOrDefault(e.getKey(), 0L)).sum();
            System.out.printf(Locale.ROOT, "CPU per flow: service %.2f ms, its PostgreSQL backends %.2f ms, stand-in %.2f ms, "
                            + "load generator %.2f ms%n", (after[0] - before[0]) / 1e6 / measured, database / 1e6 / measured,
                    (after[1] - before[1]) / 1e6 / measured, (after[2] - before[2]) / 1e6 / measured);
        }
        System.out.println("load average at the end: " + Bench.loadAverage());
        System.exit(0);
    }

    private static final String DB_URL = "datasources.default.url";
    private static final String DB_APPLICATION = "sentry-connect-bench-linking";

    /** The test database's URL with an application name, so that the service's backends can be told from others'. */
    private static String databaseUrl() {
        String url = String.valueOf(TestDatabase.properties().get(DB_URL));
        return url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + DB_APPLICATION;
    }

    /** CPU time so far of each PostgreSQL backend serving the service, by backend pid. */
    private static Map<Long, Long> backendCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (Map<String, Object> row : TestDatabase.query("SELECT pid FROM pg_stat_activity WHERE application_name = ?", DB_APPLICATION)) {
            long pid = ((Number) row.get("pid")).longValue();
            cpu.put(pid, cpuNanos(pid));
        }
        return cpu;
    }

    /** User + system CPU time of a process so far. */
    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    /** Runs the flows and answers how many completed. */
    private static int run(ServiceProcess service, Bench.StandInProcess standIn, List<String> jwts, String label) throws InterruptedException {
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(jwts);
        Bench.Samples latency = new Bench.Samples();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            threads.add(new Thread(() -> {
                String jwt;
                while ((jwt = queue.poll()) != null) {
                    long t0 = System.nanoTime();
                    try {
                        Bench.link(service.url(), standIn, jwt, "1", "acme");
                        latency.add(System.nanoTime() - t0);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s: %d flows by %d workers in %.1f s -> %.1f flows/s; flow latency p50 %.1f ms p99 %.1f ms; failures %d%n",
                label, latency.size(), WORKERS, seconds, latency.size() / seconds, latency.quantileMs(0.5), latency.quantileMs(0.99), failures.get());
        return latency.size();
    }
}
