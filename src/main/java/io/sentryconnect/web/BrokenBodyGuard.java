package io.sentryconnect.web;

import io.sentryconnect.PlainJson;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.util.ReferenceCountUtil;
import io.sentryconnect.Endpoints;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * Refuses a request to one of the plugin's API routes whose chunked body breaks off in a malformed chunk, before any
 * of it is used. Netty's HTTP/1.1 decoder ends such a body with a last content that carries the decoding failure;
 * Micronaut 4.10's server checks the decoding result of a request's head but not of its contents, so the proxy read
 * the bytes that came before the bad chunk as the whole body and sent them to Sentry. Here the failed content is
 * answered {@code 400 body_unreadable} and the connection closed (the decoder discards whatever follows a bad chunk,
 * so the connection cannot carry another request); the request already routed then finds its body cut off and
 * does nothing. A Netty handler, because no Micronaut API sees the contents' decoding result.
 *
 * <p>The handler sits on every HTTP/1.1 connection of the server, right after its codec, but acts only on a request
 * whose path is one of the plugin's switched-on API groups: the host's own routes, and the browser routes (which
 * answer HTML), get every message exactly as before. HTTP/2 has no chunked coding.
 */
@Singleton
@Requires(classes = NettyServerCustomizer.class)
@Requires(property = "sentry-connect.enabled", notEquals = "false")
final class BrokenBodyGuard implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    static final String HANDLER_NAME = "sentry-connect-broken-body-guard";
    static final String DETAIL = "The request body broke off in a malformed chunk (chunked transfer coding); the request was not processed.";
    private static final Logger LOG = LoggerFactory.getLogger(BrokenBodyGuard.class);

    private final Endpoints endpoints;

    BrokenBodyGuard(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** The answer's body, written at the first broken body rather than during every host's start. */
    private static final class Problem {
        static final byte[] BYTES = render();

        private static byte[] render() {
            try {
                return PlainJson.write(ApiProblemHandler.body(ApiProblem.ofStatus(HttpStatus.BAD_REQUEST, "body_unreadable", DETAIL)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new NettyServerCustomizer() {
            @Override
            public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
                return role == ChannelRole.CONNECTION ? new OnConnection(channel) : this;
            }
        });
        return event.getBean();
    }

    /** Whether the guard acts on a request for {@code uri}: one of the plugin's API routes. */
    boolean guards(String uri) {
        String raw = path(uri);
        if (raw == null) {
            return false;
        }
        // The router matches the decoded path (/api/v1/%67rants/… is /api/v1/grants/…): either form being ours counts.
        String decoded = new QueryStringDecoder(raw).path();
        return ours(raw) || ours(decoded);
    }

    private boolean ours(String path) {
        return endpoints.owns(path) && !endpoints.groupOf(path).filter(BrowserErrorPages.GROUP::equals).isPresent();
    }

    private static @Nullable String path(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        if (path.startsWith("/")) {
            return path;
        }
        try {
            return URI.create(path).getRawPath(); // the absolute form, GET http://host/path HTTP/1.1
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The handler of one connection. */
    ChannelDuplexHandler handler() {
        return new Guard();
    }

    /**
     * Puts the guard right after the connection's HTTP/1.1 codec. Found by its type: with h2c switched on, the codec
     * of a connection that stays on HTTP/1.1 is added by Netty's upgrade handler under a name of Netty's choosing.
     */
    void install(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
        if (codec != null && pipeline.get(HANDLER_NAME) == null) {
            pipeline.addAfter(codec.name(), HANDLER_NAME, handler());
        }
    }

    private final class OnConnection implements NettyServerCustomizer {
        private final Channel channel;

        OnConnection(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void onStreamPipelineBuilt() {
            install(channel);
        }
    }

    /**
     * Per connection: the current request's URI, looked at only when one of its contents failed to decode, and how
     * far the server's answers have come, so that the refusal is written only where it is the current request's
     * answer. All on the connection's event loop.
     */
    private final class Guard extends ChannelDuplexHandler {
        private @Nullable String uri;
        private boolean refused;
        /** Requests read; final answers the server has begun and finished writing (a 100 Continue is no answer). */
        private long requests;
        private long answers;
        private long finished;
        private boolean informational;

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            if (message instanceof HttpResponse response) {
                informational = response.status().code() < 200;
                if (!informational) {
                    answers++;
                }
            }
            if (message instanceof LastHttpContent && !informational) {
                finished++;
            }
            ctx.write(message, promise);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof HttpRequest request) {
                uri = request.uri();
                refused = false;
                requests++;
            }
            if (refused) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (message instanceof HttpContent content && content.decoderResult().isFailure() && uri != null && guards(uri)) {
                refused = true;
                boolean clientLeft = content.decoderResult().cause() instanceof PrematureChannelClosureException;
                ReferenceCountUtil.release(message);
                if (clientLeft) {
                    // The client closed the connection before its body ended (an aborted upload): nobody to answer.
                    LOG.debug("A request to {} ended with its connection before its body did", path(uri));
                    ctx.close();
                    return;
                }
                if (answers != requests - 1 || finished != answers) {
                    // The server has answered this request already (e.g. 401 before reading the body), or has not
                    // finished an earlier one on this connection: a response written now would be a second answer,
                    // be taken for the earlier request's, or break into it. The connection is done either way.
                    LOG.info("Closed the connection of a request to {}: its chunked body broke off in a malformed chunk", path(uri));
                    ctx.close();
                    return;
                }
                LOG.info("Refused a request to {}: its chunked body broke off in a malformed chunk", path(uri));
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                        Unpooled.wrappedBuffer(Problem.BYTES));
                response.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, ApiProblemHandler.PROBLEM_JSON)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, Problem.BYTES.length)
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                        .set("X-Content-Type-Options", "nosniff")
                        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(message);
        }
    }
}
