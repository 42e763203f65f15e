package io.sentryconnect.sentry;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.AvailableByteBody;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.netty.NettyHttpRequestBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Pins the Micronaut-internal contract that {@link RawBodyRequest} relies on ({@code NettyHttpRequestBuilder}, whose
 * {@code byteBodyDirect} the client sends before encoding any body of its own): if a Micronaut upgrade changes it,
 * these fail, before any multipart upload goes out re-encoded or empty.
 */
@Tag("unit")
class RawBodyRequestTest {
    private static final String TYPE = "multipart/form-data; boundary=\"b\"";
    private static final byte[] BODY = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n"
            + "\u00ff\r\n--b--\r\n").getBytes(StandardCharsets.ISO_8859_1);

    private static RawBodyRequest request(String url) {
        MutableHttpRequest<Object> request = HttpRequest.POST(url, null);
        request.getHeaders().set("Content-Type", TYPE);
        request.bearerAuth("not-a-real-token");
        return RawBodyRequest.of(request, BODY);
    }

    @Test
    void micronautTakesTheRequestAsItsOwnBuilderAndEachBodyIsWhole() {
        RawBodyRequest request = request("http://127.0.0.1:1/api/0/");
        assertSame(request, NettyHttpRequestBuilder.asBuilder(request), "the client asks this request for its body");
        for (int attempt = 0; attempt < 2; attempt++) {
            assertArrayEquals(BODY, ((AvailableByteBody) request.byteBodyDirect()).toByteArray(), "attempt " + attempt);
        }
        io.netty.handler.codec.http.HttpRequest head = request.toHttpRequestWithoutBody();
        assertEquals(TYPE, head.headers().get("Content-Type"));
        assertEquals("Bearer not-a-real-token", head.headers().get("Authorization"));
    }

    @Test
    void micronautsClientSendsAMultipartBodyAsTheseBytesWithItsLength() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        AtomicReference<String> receivedType = new AtomicReference<>();
        AtomicReference<String> receivedLength = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.set(in.readAllBytes());
            }
            receivedType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
            receivedLength.set(exchange.getRequestHeaders().getFirst("Content-Length"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try (HttpClient client = HttpClient.create(new URL(base))) {
            HttpResponse<?> response = client.toBlocking().exchange(request(URI.create(base + "/upload/").toString()));
            assertEquals(204, response.code());
        } finally {
            server.stop(0);
        }
        assertArrayEquals(BODY, received.get());
        assertEquals(TYPE, receivedType.get());
        assertEquals(String.valueOf(BODY.length), receivedLength.get());
    }
}
