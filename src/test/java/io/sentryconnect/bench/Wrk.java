package io.sentryconnect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of {@code wrk} (installed from Debian by bench/run.sh) and the figures of its {@code --latency} report. */
final class Wrk {
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.0+)?%\\s+([0-9.]+)(us|ms|s)\\s*$");
    private static final Pattern RATE = Pattern.compile("^Requests/sec:\\s+([0-9.]+)\\s*$");
    private static final Pattern ERRORS = Pattern.compile("^\\s*(Non-2xx or 3xx responses|Socket errors):\\s*(.*)$");

    /** p50 and p99 in milliseconds, completed requests per second, and any non-2xx answers or socket errors. */
    record Result(double p50Ms, double p99Ms, double requestsPerSecond, List<String> errors) {
    }

    private Wrk() {
    }

    /** {@code connections} keep-alive connections sending back to back for {@code duration}. */
    static Result run(String url, Map<String, String> headers, int connections, Duration duration) {
        List<String> command = new ArrayList<>(List.of("wrk", "--latency", "-t", String.valueOf(Math.min(connections, 2)),
                "-c", String.valueOf(connections), "-d", duration.toSeconds() + "s"));
        headers.forEach((name, value) -> command.addAll(List.of("-H", name + ": " + value)));
        command.add(url);
        String output;
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("wrk failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return parse(output);
    }

    static Result parse(String output) {
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double rate = Double.NaN;
        List<String> errors = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = PERCENTILE.matcher(line);
            if (m.matches()) {
                double ms = toMillis(Double.parseDouble(m.group(2)), m.group(3));
                if (m.group(1).equals("50")) {
                    p50 = ms;
                } else {
                    p99 = ms;
                }
            }
            Matcher r = RATE.matcher(line);
            if (r.matches()) {
                rate = Double.parseDouble(r.group(1));
            }
            Matcher e = ERRORS.matcher(line);
            if (e.matches()) {
                errors.add(e.group(1) + ": " + e.group(2).trim());
            }
        }
        if (Double.isNaN(p50) || Double.isNaN(p99) || Double.isNaN(rate)) {
            throw new IllegalStateException("unreadable wrk output:\n" + output);
        }
        return new Result(p50, p99, rate, errors);
    }

    private static double toMillis(double value, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            default -> value * 1000;
        };
    }
}
