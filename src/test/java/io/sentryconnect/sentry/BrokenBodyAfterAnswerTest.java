package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A request the service has answered before reading its body (a 401) gets no second answer when that chunked body
 * then breaks off: only the close ({@code web.BrokenBodyGuard}).
 */
@MicronautTest(environments = "test", transactional = false)
class BrokenBodyAfterAnswerTest extends ServiceTest {

    @Test
    void aBrokenChunkAfterTheAnswerAddsNoSecondResponse() throws Exception {
        URI service = URI.create(serviceUrl());
        try (Socket socket = new Socket(service.getHost(), service.getPort())) {
            socket.setSoTimeout(3_000);
            OutputStream out = socket.getOutputStream();
            // No Authorization: the service answers 401 without reading the body.
            out.write(("PUT /api/v1/grants/7f0c/sentry/organizations/acme/issues/1/ HTTP/1.1\r\n"
                    + "Host: " + service.getHost() + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + "a\r\n{\"status\":\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (!answer.toString(StandardCharsets.UTF_8).contains("\"code\":\"unauthenticated\"}")
                    && (n = in.read(buffer)) >= 0) {
                answer.write(buffer, 0, n);
            }
            Thread.sleep(500);
            out.write("zz\r\n\"x\"}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                for (; (n = in.read(buffer)) >= 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // what came is the answer
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            assertEquals(1, text.split("HTTP/1\\.1 ", -1).length - 1, text);
        }
    }
}
