package io.sentryconnect.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A webhook receiver on a raw socket, so that it can fail in the ways an HTTP server library will not: drop the
 * connection, stall past the client's timeout, or answer bytes that are not HTTP. One armed failure applies to the
 * next delivery whose body contains a marker (a tenant id); everything else is answered 204 and recorded.
 */
public final class FaultyWebhookReceiver implements AutoCloseable {
    /** How the receiver fails. */
    public enum Failure { HTTP_500, HTTP_503, HTTP_429_STRING, HTTP_429_DETAIL, TIMEOUT, RESET, MALFORMED }

    private record Armed(String marker, Failure failure, long delayMs) {
    }

    private final ServerSocket server;
    private final AtomicReference<Armed> armed = new AtomicReference<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public FaultyWebhookReceiver() {
        try {
            server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(() -> {
            while (!closed) {
                try {
                    Socket socket = server.accept();
                    Thread worker = new Thread(() -> serve(socket), "faulty-webhook");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "faulty-webhook-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hooks";
    }

    /** The next delivery whose body contains {@code marker} meets {@code failure}; a timeout stalls {@code delayMs}. */
    public void failNext(String marker, Failure failure, long delayMs) {
        armed.set(new Armed(marker, failure, delayMs));
    }

    /** Bodies of every delivery that reached the receiver, failed or not (a stalled one was still received). */
    public List<String> received() {
        return List.copyOf(received);
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            String body = readRequestBody(in);
            if (body == null) {
                return;
            }
            received.add(body);
            Armed fault = armed.get();
            if (fault == null || !body.contains(fault.marker()) || !armed.compareAndSet(fault, null)) {
                respond(out, 204, null, null);
                return;
            }
            switch (fault.failure()) {
                case HTTP_500 -> respond(out, 500, "application/json", "{\"detail\":\"Internal Error\"}");
                case HTTP_503 -> respond(out, 503, "text/html", "<html><body><h1>503 Service Unavailable</h1></body></html>");
                case HTTP_429_STRING -> respond(out, 429, "application/json", "\"You are attempting to use this endpoint too frequently.\"");
                case HTTP_429_DETAIL -> respond(out, 429, "application/json", "{\"detail\":\"Request was throttled.\"}");
                case TIMEOUT -> {
                    sleep(fault.delayMs());
                    respond(out, 204, null, null);
                }
                case RESET -> {
                    socket.setSoLinger(true, 0);
                    socket.close();
                }
                case MALFORMED -> {
                    out.write("SPDY/9 banana\r\n\u0000\u0001garbage".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (IOException ignored) {
            // the client went away (it timed out, or we reset): nothing to answer
        }
    }

    /** Reads one request (head, then Content-Length bytes); null when the connection ended first. */
    private static String readRequestBody(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void respond(OutputStream out, int status, String contentType, String body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\nConnection: close\r\nContent-Length: ")
                .append(bytes.length).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
