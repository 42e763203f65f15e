package io.sentryconnect.link;

import io.micronaut.http.uri.UriBuilder;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Adds query parameters to a URL the way {@link UriBuilder#queryParam} does (form encoding: a space is {@code +}),
 * by appending them. Each link flow builds four such URLs (the link, the cancel link, Sentry's authorize URL, the way
 * back), and UriBuilder's parsing and re-assembly were about 5 % of the service's CPU per flow; a URL that already has
 * a query still goes through UriBuilder, which re-encodes that query, so the result is the same either way.
 */
final class QueryUrls {
    private QueryUrls() {
    }

    /** @param nameValues name, value, name, value… */
    static URI with(String url, String... nameValues) {
        int hash = url.indexOf('#');
        String beforeFragment = hash < 0 ? url : url.substring(0, hash);
        if (beforeFragment.indexOf('?') >= 0) {
            UriBuilder builder = UriBuilder.of(URI.create(url));
            for (int i = 0; i < nameValues.length; i += 2) {
                builder.queryParam(nameValues[i], nameValues[i + 1]);
            }
            return builder.build();
        }
        StringBuilder out = new StringBuilder(url.length() + 64).append(beforeFragment);
        for (int i = 0; i < nameValues.length; i += 2) {
            out.append(i == 0 ? '?' : '&').append(encode(nameValues[i])).append('=').append(encode(nameValues[i + 1]));
        }
        if (hash >= 0) {
            out.append(url, hash, url.length());
        }
        return URI.create(out.toString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
