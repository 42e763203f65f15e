package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chunked request body that breaks off in a malformed chunk is refused, and nothing reaches Sentry. Netty's decoder
 * marks the broken chunk as a failed last content, which Micronaut's server reads as the body's end, so the proxy
 * would forward the bytes that came before it as if they were the whole body ({@code web.BrokenBodyGuard}). Written
 * on a raw socket: an HTTP client library only writes well-formed chunks.
 */
@MicronautTest(environments = "test", transactional = false)
class BrokenChunkedBodyTest extends ServiceTest {
    private static final String ISSUE = "organizations/acme/issues/90011/";

    @Test
    void aWellFormedChunkedBodyIsForwardedWhole() throws IOException {
        Linked grant = link("1", "acme");
        String answer = put(grant, "a\r\n{\"status\":\r\nb\r\n\"resolved\"}\r\n0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 "), answer);
        assertEquals(1, sentryPuts().size(), "the stand-in saw the PUT: " + answer);
    }

    @Test
    void aBodyThatBreaksOffInAMalformedChunkIsRefusedAndNotForwarded() throws IOException {
        Linked grant = link("1", "acme");
        String answer = put(grant, "a\r\n{\"status\":\r\nzz\r\n\"resolved\"}\r\n0\r\n\r\n");
        assertEquals(List.of(), sentryPuts(), "nothing was sent to Sentry; the service answered: " + answer);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("\"code\":\"body_unreadable\""), answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
    }

    private List<RequestLogEntry> sentryPuts() {
        return standIn.requests("/api/").stream().filter(r -> r.method().equals("PUT")).toList();
    }

    /** A PUT of a chunked JSON body through the proxy; the service's answer as text, as far as it came in 10 s. */
    private String put(Linked grant, String chunkedBody) throws IOException {
        URI service = URI.create(serviceUrl());
        try (Socket socket = new Socket(service.getHost(), service.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/grants/" + grant.grantId() + "/sentry/" + ISSUE + " HTTP/1.1\r\n"
                    + "Host: " + service.getHost() + ":" + service.getPort() + "\r\n"
                    + "Authorization: Bearer " + grant.jwt() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n" + chunkedBody).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // What came before the timeout or a reset is the answer.
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
