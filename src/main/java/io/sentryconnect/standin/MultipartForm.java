package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/form-data} body as Django's {@code MultiPartParser} hands it to a view: plain fields
 * ({@code request.POST}) and files ({@code request.FILES}); a part whose filename is empty is dropped, as Django
 * drops it. Parsed with Netty's {@code HttpPostRequestDecoder}, on the classpath with Micronaut's HTTP stack,
 * rather than by hand (the stand-in's server is the JDK's, which parses no bodies).
 */
record MultipartForm(Map<String, List<String>> fields, Map<String, List<Upload>> files) {

    /** An uploaded file: its filename, the part's content type and its bytes. */
    record Upload(String filename, String contentType, byte[] content) {
    }

    static final MultipartForm EMPTY = new MultipartForm(Map.of(), Map.of());

    /** Thrown for a body that is not valid multipart: DRF answers {@code Multipart form parse error - …}. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** The form of a body, or {@link #EMPTY} when the content type is not multipart (Django then parses no files). */
    static MultipartForm parse(@Nullable String contentType, byte[] body) throws Malformed {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return EMPTY;
        }
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpPostRequestDecoder decoder = null;
        try {
            decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), request, StandardCharsets.UTF_8);
            Map<String, List<String>> fields = new LinkedHashMap<>();
            Map<String, List<Upload>> files = new LinkedHashMap<>();
            for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
                if (data instanceof FileUpload upload) {
                    if (!upload.getFilename().isEmpty()) {
                        files.computeIfAbsent(upload.getName(), k -> new ArrayList<>())
                                .add(new Upload(upload.getFilename(), upload.getContentType(), upload.get()));
                    }
                } else if (data instanceof Attribute attribute) {
                    fields.computeIfAbsent(attribute.getName(), k -> new ArrayList<>()).add(attribute.getValue());
                }
            }
            return new MultipartForm(fields, files);
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException | HttpPostRequestDecoder.NotEnoughDataDecoderException
                 | IOException e) {
            throw new Malformed(e.getMessage() == null ? "Invalid multipart body" : e.getMessage());
        } finally {
            if (decoder != null) {
                decoder.destroy();
            }
            request.release();
        }
    }

    /** {@code QueryDict.get}: the last value of a field, or null. */
    @Nullable
    String field(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
    }

    List<String> fieldValues(String name) {
        return fields.getOrDefault(name, List.of());
    }

    @Nullable
    Upload file(String name) {
        List<Upload> uploads = files.get(name);
        return uploads == null || uploads.isEmpty() ? null : uploads.get(uploads.size() - 1);
    }
}
