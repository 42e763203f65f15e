package io.sentryconnect.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy to PostgreSQL that a test can cut (every open connection reset, new ones refused) and
 * restore, standing in for a database that goes away. It also counts the server's ReadyForQuery messages: each one
 * ends one request/response exchange of the PostgreSQL protocol, so the count is the number of database round trips.
 * Counting needs an unencrypted stream ({@code sslmode=disable}).
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong roundTrips = new AtomicLong();
    /** The statements clients sent (simple queries and Parse messages), by text: what the round trips were. */
    private final java.util.Map<String, AtomicLong> statements = new ConcurrentHashMap<>();
    private volatile boolean down;
    private volatile boolean closed;

    public TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The JDBC URL of {@code database} through this proxy: same database, user and schema, no TLS. */
    public String jdbcUrl(String directUrl, String schema) {
        String rewritten = directUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + port() + "/");
        return rewritten + (rewritten.contains("?") ? "&" : "?") + "sslmode=disable&currentSchema=" + schema;
    }

    /** The database "goes away": open connections are reset, new ones are reset as soon as they connect. */
    public void cut() {
        down = true;
        for (Socket socket : open) {
            abort(socket);
        }
    }

    public void restore() {
        down = false;
    }

    /** Statement texts sent so far with how often; pgjdbc names a prepared statement once, then only binds it. */
    public java.util.Map<String, Long> statements() {
        java.util.Map<String, Long> copy = new java.util.TreeMap<>();
        statements.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Database round trips (ReadyForQuery messages) seen so far on all connections. */
    public long roundTrips() {
        return roundTrips.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (down) {
                abort(client);
                continue;
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                abort(client);
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        Thread thread = new Thread(() -> {
            MessageCounter counter = new MessageCounter(fromServer);
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    counter.feed(buffer, n);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side went away: close both below
            } finally {
                abort(from);
                abort(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with SO_LINGER 0, so the peer sees a reset rather than an orderly end. */
    private void abort(Socket socket) {
        open.remove(socket);
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
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
        for (Socket socket : open) {
            abort(socket);
        }
    }

    /**
     * Frames protocol messages (type byte, int32 length). From the server it counts ReadyForQuery ('Z'); from the
     * client it counts statements by text: simple queries ('Q'), unnamed Parse ('P') messages, and Bind ('B') messages
     * of statements the connection prepared under a name earlier.
     */
    private final class MessageCounter {
        private final boolean fromServer;
        /** The client's first message (StartupMessage) has no type byte; the server's first byte may answer SSLRequest. */
        private boolean first = true;
        private int headerRead;
        private final byte[] header = new byte[5];
        private long remaining;
        private java.io.ByteArrayOutputStream payload;
        /** This connection's named prepared statements: a Bind names one, and the text is what it runs. */
        private final java.util.Map<String, String> prepared = new java.util.HashMap<>();

        MessageCounter(boolean fromServer) {
            this.fromServer = fromServer;
        }

        void feed(byte[] data, int length) {
            int i = 0;
            if (first && length > 0) {
                first = false;
                if (fromServer && data[0] == 'N' && length == 1) {
                    return;
                }
                if (!fromServer) {
                    // StartupMessage: int32 length, then the body; treat it as a message without type.
                    int messageLength = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
                    remaining = messageLength;
                }
            }
            while (i < length) {
                if (remaining > 0) {
                    int take = (int) Math.min(remaining, length - i);
                    if (payload != null) {
                        payload.write(data, i, take);
                    }
                    remaining -= take;
                    i += take;
                    if (remaining == 0 && payload != null) {
                        record(header[0], payload.toByteArray());
                        payload = null;
                    }
                    continue;
                }
                header[headerRead++] = data[i++];
                if (headerRead == 5) {
                    headerRead = 0;
                    int messageLength = ((header[1] & 0xff) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    remaining = messageLength - 4L;
                    if (fromServer && header[0] == 'Z') {
                        roundTrips.incrementAndGet();
                    }
                    if (!fromServer && (header[0] == 'Q' || header[0] == 'P' || header[0] == 'B')) {
                        payload = new java.io.ByteArrayOutputStream();
                        if (remaining == 0) {
                            record(header[0], new byte[0]);
                            payload = null;
                        }
                    }
                }
            }
        }

        private void record(byte type, byte[] body) {
            String text;
            if (type == 'Q') {
                text = cString(body, 0);
            } else if (type == 'P') {
                String name = cString(body, 0);
                text = cString(body, indexOfZero(body, 0) + 1);
                if (!name.isEmpty()) {
                    prepared.put(name, text);
                    return; // counted at each Bind
                }
            } else {
                String statement = cString(body, indexOfZero(body, 0) + 1);
                if (statement.isEmpty()) {
                    return; // an unnamed statement: its Parse was counted
                }
                text = prepared.getOrDefault(statement, "(prepared " + statement + ")");
            }
            statements.computeIfAbsent(text, k -> new AtomicLong()).incrementAndGet();
        }

        private static int indexOfZero(byte[] body, int from) {
            for (int k = from; k < body.length; k++) {
                if (body[k] == 0) {
                    return k;
                }
            }
            return body.length;
        }

        private static String cString(byte[] body, int from) {
            return new String(body, from, Math.max(0, indexOfZero(body, from) - from), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
