package io.sentryconnect.web;

import io.micronaut.json.JsonMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.sentryconnect.TestEndpoints;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BrokenBodyGuard}'s handler in a plugin (not the standalone service): it refuses a broken chunked body on the
 * plugin's API routes only, and hands everything else on untouched (the end to end case: {@code BrokenChunkedBodyTest}).
 */
class BrokenBodyGuardTest {
    private final JsonMapper json = JsonMapper.createDefault();
    private final BrokenBodyGuard guard = new BrokenBodyGuard(TestEndpoints.at("https://platform.example"));

    @Test
    void aBrokenBodyOnTheProxyIsAnswered400AndTheConnectionClosed() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
        HttpRequest request = put("/api/v1/grants/7f0c/sentry/organizations/acme/issues/1/?x=1");
        HttpContent first = new DefaultHttpContent(Unpooled.copiedBuffer("{\"status\":", StandardCharsets.US_ASCII));
        LastHttpContent broken = broken();
        channel.writeInbound(request, first, broken);

        assertSame(request, channel.readInbound());
        assertSame(first, channel.readInbound());
        assertNull(channel.readInbound(), "the broken end never reaches the server's handler");
        assertEquals(0, broken.refCnt(), "released");
        FullHttpResponse response = channel.readOutbound();
        assertEquals(400, response.status().code());
        assertEquals("application/problem+json", response.headers().get("Content-Type"));
        assertEquals("close", response.headers().get("Connection"));
        Map<?, ?> problem = json.readValue(response.content().toString(StandardCharsets.UTF_8), Map.class);
        assertEquals("body_unreadable", problem.get("code"));
        assertEquals(400, ((Number) problem.get("status")).intValue());
        response.release();
        channel.runPendingTasks();
        assertFalse(channel.isOpen(), "the decoder discards what follows a bad chunk: the connection is done");
    }

    @Test
    void theHostsOwnRoutesAndTheBrowserRoutesGetTheBrokenBodyAsBefore() {
        for (String uri : new String[]{"/orders/1", "/api/v1/grantsx/1", "/connect/sentry/start", "http://platform.example/orders"}) {
            EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
            HttpRequest request = put(uri);
            LastHttpContent broken = broken();
            channel.writeInbound(request, broken);
            assertSame(request, channel.readInbound(), uri);
            assertSame(broken, channel.readInbound(), uri + ": the failed content is handed on");
            assertNull(channel.readOutbound(), uri + ": nothing answered by the guard");
            assertTrue(channel.isOpen(), uri);
            broken.release();
        }
    }

    @Test
    void aWellFormedBodyOnTheProxyPassesAndTheNextRequestIsLookedAtAfresh() {
        EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
        HttpRequest request = put("/api/v1/grants/7f0c/sentry/organizations/acme/issues/1/");
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.US_ASCII));
        HttpRequest hosts = put("/orders/1");
        LastHttpContent broken = broken();
        channel.writeInbound(request, last, hosts, broken);
        assertSame(request, channel.readInbound());
        assertSame(last, channel.readInbound());
        assertSame(hosts, channel.readInbound());
        assertInstanceOf(LastHttpContent.class, channel.readInbound(), "the host's request after ours is not refused");
        assertNull(channel.readOutbound());
        last.release();
        broken.release();
    }

    @Test
    void aRequestAlreadyAnsweredGetsNoSecondAnswerOnlyTheClose() {
        EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
        channel.writeInbound(put("/api/v1/grants/7f0c/sentry/organizations/acme/issues/1/"));
        channel.readInbound();
        // The server answers before reading the body (a 401, say).
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED));
        ((FullHttpResponse) channel.readOutbound()).release();
        LastHttpContent broken = broken();
        channel.writeInbound(broken);
        assertNull(channel.readOutbound(), "no second response for the same request");
        assertEquals(0, broken.refCnt());
        assertFalse(channel.isOpen());
    }

    @Test
    void anEarlierRequestStillUnansweredIsNotAnsweredByTheRefusal() {
        EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
        HttpRequest earlier = put("/orders/1");
        LastHttpContent earlierBody = new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.US_ASCII));
        LastHttpContent broken = broken();
        channel.writeInbound(earlier, earlierBody, put("/api/v1/grants/7f0c/sentry/organizations/acme/issues/1/"), broken);
        assertNull(channel.readOutbound(), "a pipelining client would take a 400 written now for /orders/1's answer");
        assertFalse(channel.isOpen());
        channel.releaseInbound();
    }

    @Test
    void aContinueIsNoAnswer() {
        EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
        channel.writeInbound(put("/api/v1/grants/7f0c/sentry/organizations/acme/issues/1/"));
        channel.readInbound();
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        ((FullHttpResponse) channel.readOutbound()).release();
        channel.writeInbound(broken());
        FullHttpResponse response = channel.readOutbound();
        assertEquals(400, response.status().code());
        response.release();
    }

    @Test
    void theGuardFindsACodecNettyNamed() {
        // With h2c on, Netty's CleartextHttp2ServerUpgradeHandler adds the HTTP/1.1 codec under a generated name.
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new HttpServerCodec());
        channel.pipeline().addLast("next", new io.netty.channel.ChannelInboundHandlerAdapter());
        guard.install(channel);
        assertEquals(java.util.List.of("HttpServerCodec#0", BrokenBodyGuard.HANDLER_NAME, "next"),
                channel.pipeline().names().subList(0, 3));
    }

    private static HttpRequest put(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, uri);
    }

    @Test
    void aPercentEncodedPathToTheProxyIsGuardedAsTheRouterReadsIt() {
        EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
        channel.writeInbound(put("/api/v1/%67rants/7f0c/sentry/organizations/acme/issues/1/"), broken());
        assertInstanceOf(HttpRequest.class, channel.readInbound());
        assertNull(channel.readInbound(), "the broken end is not handed on");
        FullHttpResponse response = channel.readOutbound();
        assertEquals(400, response.status().code());
        response.release();
    }

    @Test
    void aClientThatLeavesMidBodyIsNotAnsweredAndNotHandedOn() {
        EmbeddedChannel channel = new EmbeddedChannel(guard.handler());
        LastHttpContent cut = new DefaultLastHttpContent(Unpooled.buffer(8));
        cut.setDecoderResult(DecoderResult.failure(new io.netty.handler.codec.PrematureChannelClosureException("closed")));
        channel.writeInbound(put("/api/v1/grants/7f0c/sentry/organizations/acme/issues/1/"), cut);
        assertInstanceOf(HttpRequest.class, channel.readInbound());
        assertNull(channel.readInbound(), "a cut-off body never reaches the server's handler, so nothing of it is sent");
        assertNull(channel.readOutbound(), "no answer to a client that left");
        assertEquals(0, cut.refCnt());
        channel.runPendingTasks();
        assertFalse(channel.isOpen());
    }

    /**
     * What Netty's decoder emits for a chunk whose size line is not hexadecimal (with an empty buffer there; a buffer
     * of its own here, so that its release can be seen).
     */
    private static LastHttpContent broken() {
        LastHttpContent content = new DefaultLastHttpContent(Unpooled.buffer(8));
        content.setDecoderResult(DecoderResult.failure(new NumberFormatException("For input string: \"zz\"")));
        return content;
    }
}
