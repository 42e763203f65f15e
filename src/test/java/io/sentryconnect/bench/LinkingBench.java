package io.sentryconnect.bench;

import io.sentryconnect.support.ServiceProcess;

import java.time.Duration;
import java.util.ArrayList;
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

    private LinkingBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        Bench.printMachine("linking throughput");
        try (Bench.StandInProcess standIn = new Bench.StandInProcess();
             ServiceProcess service = Bench.service("bench-linking", standIn, Map.of())) {
            service.awaitHealthy(Duration.ofMinutes(3));
            // Platform JWTs are minted before the clock starts: one per flow, each a different user.
            List<String> jwts = new ArrayList<>();
            for (int i = 0; i < FLOWS + WARMUP; i++) {
                jwts.add(Bench.jwt(service, "t-bench-link-" + (i % 100), "u" + i));
            }
            run(service, standIn, jwts.subList(0, WARMUP), "warm-up");
            // CPU time per flow of each process: steadier than flows/s on a shared machine, and it splits the cost
            // between the service, the stand-in (Sentry's share) and the load generator.
            long[] before = {cpuNanos(service.pid()), cpuNanos(standIn.process.pid()), cpuNanos(ProcessHandle.current().pid())};
            int measured = run(service, standIn, jwts.subList(WARMUP, jwts.size()), "measured");
            long[] after = {cpuNanos(service.pid()), cpuNanos(standIn.process.pid()), cpuNanos(ProcessHandle.current().pid())};
            System.out.printf(Locale.ROOT, "CPU per flow: service %.2f ms, stand-in %.2f ms, load generator %.2f ms%n",
                    (after[0] - before[0]) / 1e6 / measured, (after[1] - before[1]) / 1e6 / measured,
                    (after[2] - before[2]) / 1e6 / measured);
        }
        System.out.println("load average at the end: " + Bench.loadAverage());
        System.exit(0);
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
