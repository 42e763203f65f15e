package io.sentryconnect.bench;

import io.sentryconnect.support.ServiceProcess;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 2: 500 concurrent calls, alternating between two running service processes, on a grant whose access
 * token Sentry has just expired. Counts the token requests in the stand-in's request log, checks every call got
 * 200, and reports the time from sending the first call to the last response. Three rounds.
 */
public final class RefreshStormBench {
    private static final int CALLS = Integer.getInteger("bench.calls", 500);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    private RefreshStormBench() {
    }

    public static void main(String[] args) {
        Bench.printMachine("refresh storm");
        try (Bench.StandInProcess standIn = new Bench.StandInProcess();
             ServiceProcess a = Bench.service("bench-storm-a", standIn, Map.of());
             ServiceProcess b = Bench.service("bench-storm-b", standIn, Map.of())) {
            a.awaitHealthy(Duration.ofMinutes(3));
            b.awaitHealthy(Duration.ofMinutes(3));
            String jwt = Bench.jwt(a, "t-bench-storm", "u1");
            String grantId = Bench.link(a.url(), standIn, jwt, "1", "acme");
            List<HttpRequest> requests = new ArrayList<>();
            for (ServiceProcess service : List.of(a, b)) {
                requests.add(HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/grants/" + grantId
                        + "/sentry/organizations/acme/projects/")).header("Authorization", "Bearer " + jwt).timeout(Duration.ofSeconds(60)).build());
            }
            // Warm both instances (and open connections) with a valid token: no refresh needed yet.
            for (int i = 0; i < 200; i++) {
                Bench.send(requests.get(i % 2));
            }
            for (int round = 1; round <= ROUNDS; round++) {
                standIn.control("DELETE", "requests", null);
                standIn.expire("acme");
                long start = System.nanoTime();
                List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    calls.add(Bench.HTTP.sendAsync(requests.get(i % 2), HttpResponse.BodyHandlers.ofByteArray()));
                }
                int ok = 0;
                Map<Integer, Integer> others = new java.util.TreeMap<>();
                for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
                    try {
                        int status = call.get(90, TimeUnit.SECONDS).statusCode();
                        if (status == 200) {
                            ok++;
                        } else {
                            others.merge(status, 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        others.merge(-1, 1, Integer::sum);
                    }
                }
                long lastMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                long refreshes = standIn.tokenRequests("refresh_token");
                System.out.printf(Locale.ROOT, "round %d: %d calls over 2 instances -> %d x 200%s, token requests %d, last response after %d ms%n",
                        round, CALLS, ok, others.isEmpty() ? "" : ", others " + others, refreshes, lastMs);
            }
        }
        System.out.println("load average at the end: " + Bench.loadAverage());
        System.exit(0);
    }
}
