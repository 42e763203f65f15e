package io.sentryconnect.bench;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What every benchmark shares: the processes, the stand-in's controls over HTTP, a link flow, and statistics. */
final class Bench {
    static final String RETURN_TO = "https://platform.example/settings/integrations";
    /** JVM options of every service process, printed with the figures; {@code -Dbench.service-jvm} adds some (a profiler). */
    static final List<String> SERVICE_JVM = jvmOptions("-Xmx512m", "bench.service-jvm");
    /** JVM options of the stand-in's process; {@code -Dbench.standin-jvm} adds some. */
    static final List<String> STANDIN_JVM = jvmOptions("-Xmx256m", "bench.standin-jvm");
    static final JsonMapper JSON = JsonMapper.createDefault();
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Bench() {
    }

    private static List<String> jvmOptions(String heap, String property) {
        List<String> options = new ArrayList<>(List.of(heap));
        String extra = System.getProperty(property, "").trim();
        if (!extra.isEmpty()) {
            options.addAll(Arrays.asList(extra.split("[\\s;]+")));
        }
        return List.copyOf(options);
    }

    /** The machine and its load, for the record. */
    static void printMachine(String benchmark) {
        System.out.printf(Locale.ROOT, "== %s | %d cores | load average %s | java %s%n", benchmark,
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"));
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The stand-in in its own JVM; closing it closes its stdin, which ends it. */
    static final class StandInProcess implements AutoCloseable {
        final Process process;
        final String baseUrl;
        final String usUrl;
        final String deUrl;

        StandInProcess() {
            this(List.of());
        }

        /** @param jvmOptions JVM options besides {@link #STANDIN_JVM} */
        StandInProcess(List<String> jvmOptions) {
            try {
                List<String> options = new ArrayList<>(jvmOptions);
                options.addAll(STANDIN_JVM);
                process = new ProcessBuilder(javaCommand(options, StandInMain.class.getName()))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String line;
                String[] urls = null;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("STANDIN ")) {
                        urls = line.split(" ");
                        break;
                    }
                }
                if (urls == null) {
                    throw new IllegalStateException("the stand-in did not start");
                }
                baseUrl = urls[1].replaceAll("/$", "");
                usUrl = urls[2].replaceAll("/$", "");
                deUrl = urls[3].replaceAll("/$", "");
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String control(String method, String path, String body) {
            BlockingHttp.Response response = BlockingHttp.send(method, baseUrl + "/_standin/" + path, body,
                    "Content-Type", "application/json");
            if (response.status() != 200) {
                throw new IllegalStateException(path + ": " + response.status() + " " + response.body());
            }
            return response.body();
        }

        void approveNext(String user, String org) {
            control("POST", "next-authorization", "{\"user_id\":\"" + user + "\",\"org_slug\":\"" + org + "\",\"decision\":\"approve\"}");
        }

        void expire(String org) {
            control("POST", "expire", "{\"org_slug\":\"" + org + "\"}");
        }

        /** How many token requests of this grant type the stand-in received since its log was cleared. */
        long tokenRequests(String grantType) {
            List<Object> entries = list(control("GET", "requests?path_prefix=/oauth/token/", null));
            return entries.stream().filter(e -> grantType.equals(((Map<?, ?>) e).get("grant_type"))).count();
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    static List<String> javaCommand(List<String> jvmOptions, String mainClass) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    static ServiceProcess service(String name, StandInProcess standIn, Map<String, String> extra) {
        return service(name, standIn, extra, List.of());
    }

    /** @param jvmOptions JVM options before {@link #SERVICE_JVM} (which can thus override them) */
    static ServiceProcess service(String name, StandInProcess standIn, Map<String, String> extra, List<String> jvmOptions) {
        Map<String, String> properties = new HashMap<>(Map.of(
                // Quiet logs: a benchmark measures the service, not its console.
                "logger.levels.io.sentryconnect", "WARN",
                "logger.levels.root", "WARN"));
        properties.putAll(extra);
        Map<String, String> sentry = Map.of("sentry-connect.sentry.base-url", standIn.baseUrl,
                "sentry-connect.sentry.region-urls", standIn.usUrl + "," + standIn.deUrl);
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(SERVICE_JVM);
        return ServiceProcess.start(name, IntegrationTest.freePort(), sentry, properties, options);
    }

    static String jwt(ServiceProcess service, String tenant, String user) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(service.url() + "/dev/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"" + tenant + "\",\"user\":\"" + user + "\",\"roles\":[]}")).build());
        return (String) map(response.body()).get("token");
    }

    /**
     * One complete link flow as an anonymous browser with a cookie jar would run it (the cookies handled by hand, so
     * that one HTTP client serves every flow): API → start (our confirmation page) → Continue → Sentry's authorize
     * (approved in advance) → callback. Returns the grant id. Blocking exchanges on kept-alive connections
     * ({@link BlockingHttp}).
     */
    static String link(String serviceUrl, StandInProcess standIn, String jwt, String user, String org) {
        BlockingHttp.Response created = BlockingHttp.post(serviceUrl + "/api/v1/links", "{\"return_to\":\"" + RETURN_TO + "\"}",
                "Content-Type", "application/json", "Authorization", "Bearer " + jwt);
        if (created.status() != 201) {
            throw new IllegalStateException("link: " + created.status() + " " + created.body());
        }
        BlockingHttp.Response page = BlockingHttp.get((String) map(created.body()).get("link_url"));
        String confirmation = page.first("Set-Cookie").orElseThrow().split(";", 2)[0];
        BlockingHttp.Response toSentry = BlockingHttp.post(LinkDriver.formAction(page.body()),
                "confirmation=" + LinkDriver.confirmationToken(page.body()),
                "Content-Type", "application/x-www-form-urlencoded", "Cookie", confirmation);
        String cookie = toSentry.all("Set-Cookie").stream().filter(c -> c.startsWith("sc_link_"))
                .findFirst().orElseThrow().split(";", 2)[0];
        standIn.approveNext(user, org);
        BlockingHttp.Response toCallback = BlockingHttp.get(location(toSentry));
        BlockingHttp.Response done = BlockingHttp.get(location(toCallback), "Cookie", cookie);
        Map<String, String> result = query(location(done));
        if (!"connected".equals(result.get("sentry_connect"))) {
            throw new IllegalStateException("link ended with " + result);
        }
        return result.get("grant_id");
    }

    static String location(BlockingHttp.Response response) {
        return response.first("Location")
                .orElseThrow(() -> new IllegalStateException("no Location: " + response.status() + " " + response.body()));
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        String raw = URI.create(url).getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    static Map<String, Object> map(String body) {
        try {
            return JSON.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(String body) {
        return (List<Object>) map("{\"l\":" + body + "}").get("l");
    }

    /** Latency samples in nanoseconds. */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized int size() {
            return size;
        }

        /** The q-quantile in milliseconds (nearest rank). */
        synchronized double quantileMs(double q) {
            if (size == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(q * size) - 1;
            return sorted[Math.max(0, Math.min(size - 1, rank))] / 1e6;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
