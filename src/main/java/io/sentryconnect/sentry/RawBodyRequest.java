package io.sentryconnect.sentry;

import io.micronaut.buffer.netty.NettyByteBufferFactory;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.convert.value.MutableConvertibleValues;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpParameters;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.body.stream.AvailableByteArrayBody;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.Cookies;
import io.micronaut.http.netty.NettyHttpRequestBuilder;

import java.net.URI;
import java.util.Optional;

/**
 * A request to Sentry whose body goes on the wire as these bytes, whatever its content type. Micronaut 4.10's client
 * encodes a {@code multipart/form-data} body only from its own {@code MultipartBody} parts and a form-encoded one
 * only from a map, a bean or characters; its public API has no way to send such a body as bytes. What it does
 * check first, for every request, is {@link NettyHttpRequestBuilder#byteBodyDirect()} (the route by which it proxies
 * a server request's body unread): that is what this class answers. Everything else (headers, the token, the URI,
 * attributes) is the client's own request, so the pool, timeouts, redirects off, filters and the non-blocking path
 * stay exactly those of every other call.
 * <p>
 * {@code NettyHttpRequestBuilder} is {@code @Internal} to Micronaut: {@code RawBodyRequestTest} pins this contract
 * and the proxy's multipart tests check the bytes on arrival, so a Micronaut release that changes it fails the
 * build. Should Micronaut stop reading {@code byteBodyDirect}, the delegate still holds the bytes as its body and
 * the client fails loudly on a multipart one ("not a supported type") rather than sending an empty body.
 */
final class RawBodyRequest implements MutableHttpRequest<Object>, NettyHttpRequestBuilder {
    private final MutableHttpRequest<Object> delegate;
    private final byte[] body;

    private RawBodyRequest(MutableHttpRequest<Object> delegate, byte[] body) {
        this.delegate = delegate;
        this.body = body;
    }

    /** {@code request} (headers set, no body yet) with {@code body} as its bytes on the wire. */
    static RawBodyRequest of(MutableHttpRequest<Object> request, byte[] body) {
        request.body(body);
        return new RawBodyRequest(request, body);
    }

    /** A fresh body on each call: the client takes ownership of what it is given, and a retry builds anew anyway. */
    @Override
    public ByteBody byteBodyDirect() {
        return AvailableByteArrayBody.create(NettyByteBufferFactory.DEFAULT, body);
    }

    @Override
    public io.netty.handler.codec.http.HttpRequest toHttpRequestWithoutBody() {
        return NettyHttpRequestBuilder.asBuilder(delegate).toHttpRequestWithoutBody();
    }

    @Override
    public MutableHttpRequest<Object> cookie(Cookie cookie) {
        delegate.cookie(cookie);
        return this;
    }

    @Override
    public MutableHttpRequest<Object> uri(URI uri) {
        delegate.uri(uri);
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> MutableHttpRequest<T> body(T newBody) {
        // The raw bytes are the body; a filter that replaces it gets the client's own encoding back.
        return delegate.body(newBody);
    }

    @Override
    public MutableHttpHeaders getHeaders() {
        return delegate.getHeaders();
    }

    @Override
    public MutableConvertibleValues<Object> getAttributes() {
        return delegate.getAttributes();
    }

    @Override
    public Optional<Object> getBody() {
        return delegate.getBody();
    }

    @Override
    public <T> Optional<T> getBody(ArgumentConversionContext<T> conversionContext) {
        return delegate.getBody(conversionContext);
    }

    @Override
    public MutableHttpParameters getParameters() {
        return delegate.getParameters();
    }

    @Override
    public Cookies getCookies() {
        return delegate.getCookies();
    }

    @Override
    public HttpMethod getMethod() {
        return delegate.getMethod();
    }

    @Override
    public String getMethodName() {
        return delegate.getMethodName();
    }

    @Override
    public URI getUri() {
        return delegate.getUri();
    }

    @Override
    public void setConversionService(ConversionService conversionService) {
        delegate.setConversionService(conversionService);
    }

    @Override
    public String toString() {
        return delegate.getMethodName() + " " + delegate.getUri() + " (" + body.length + " bytes)";
    }
}
