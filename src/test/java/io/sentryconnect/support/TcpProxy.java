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
            MessageCounter counter = fromServer ? new MessageCounter() : null;
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (counter != null) {
                        counter.feed(buffer, n);
                    }
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

    /** Frames the backend's messages (type byte, int32 length) and counts ReadyForQuery ('Z'). */
    private final class MessageCounter {
        private boolean first = true;
        private int headerRead;
        private final byte[] header = new byte[5];
        private long remaining;

        void feed(byte[] data, int length) {
            int i = 0;
            if (first && length > 0) {
                first = false;
                // A one-byte answer to an SSLRequest ('N': no TLS) comes before the framed messages.
                if (data[0] == 'N' && length == 1) {
                    return;
                }
            }
            while (i < length) {
                if (remaining > 0) {
                    long skip = Math.min(remaining, length - i);
                    remaining -= skip;
                    i += (int) skip;
                    continue;
                }
                header[headerRead++] = data[i++];
                if (headerRead == 5) {
                    headerRead = 0;
                    int messageLength = ((header[1] & 0xff) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    remaining = messageLength - 4L;
                    if (header[0] == 'Z') {
                        roundTrips.incrementAndGet();
                    }
                }
            }
        }
    }
}
