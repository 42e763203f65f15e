package io.sentryconnect.bench;

import io.sentryconnect.support.IntegrationTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * nginx from Debian's package as the peer of the proxy: a plain gateway in front of one region that injects the
 * grant's token, with keep-alive connections upstream, in a prefix of its own under target/.
 */
final class Nginx implements AutoCloseable {
    private final Process process;
    private final int port;

    Nginx(URI upstream, String accessToken) {
        port = IntegrationTest.freePort();
        try {
            Path prefix = Files.createDirectories(Path.of("target", "bench-nginx").toAbsolutePath());
            Path conf = prefix.resolve("nginx.conf");
            String authority = upstream.getHost() + ":" + upstream.getPort();
            Files.writeString(conf, """
                    daemon off;
                    worker_processes auto;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 1024; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;
                        upstream region { server %2$s; keepalive 32; }
                        server {
                            listen 127.0.0.1:%3$d;
                            location /api/0/ {
                                proxy_pass http://region;
                                proxy_http_version 1.1;
                                proxy_set_header Connection "";
                                proxy_set_header Host %2$s;
                                proxy_set_header Authorization "Bearer %4$s";
                            }
                        }
                    }
                    """.formatted(prefix, authority, port, accessToken));
            process = new ProcessBuilder(nginx(), "-p", prefix.toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitListening();
    }

    /** Where the region's API answers through nginx: {@code http://127.0.0.1:<port>/api/0/}. */
    String apiUrl() {
        return "http://127.0.0.1:" + port + "/api/0/";
    }

    private static String nginx() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + "; see target/bench-nginx/");
            }
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Bench.sleep(20);
            }
        }
        throw new IllegalStateException("nginx did not listen within 10 s");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
