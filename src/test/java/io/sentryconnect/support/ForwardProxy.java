package io.sentryconnect.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP forward proxy, standing in for a platform's egress proxy: {@code CONNECT host:port} is answered
 * {@code 200} and tunnelled, an absolute-form request ({@code GET http://host:port/path}) is sent on to its host as
 * it came. It records the {@code host:port} of every connection it made.
 */
public final class ForwardProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public ForwardProxy() {
        try {
            server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "forward-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code host:port} of each connection made on a client's behalf, in order. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "forward-proxy");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
            String host;
            int port;
            byte[] forward;
            if (requestLine[0].equals("CONNECT")) {
                String[] hostPort = requestLine[1].split(":");
                host = hostPort[0];
                port = Integer.parseInt(hostPort[1]);
                client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                forward = new byte[0];
            } else {
                URI target = URI.create(requestLine[1]);
                host = target.getHost();
                port = target.getPort();
                String origin = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
                forward = (requestLine[0] + " " + origin + " " + requestLine[2] + text.substring(text.indexOf("\r\n")))
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            targets.add(host + ":" + port);
            try (Socket upstream = new Socket(host, port)) {
                upstream.getOutputStream().write(forward);
                Thread back = new Thread(() -> pipe(upstream, client), "forward-proxy-back");
                back.setDaemon(true);
                back.start();
                pipe(client, upstream);
                back.join();
            }
        } catch (IOException | RuntimeException e) {
            // the client or the target went away: nothing to report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request line and headers, up to and including the blank line. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        throw new IOException("no request head");
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // closed on the other side
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
