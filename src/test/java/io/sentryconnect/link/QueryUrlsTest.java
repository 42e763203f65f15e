package io.sentryconnect.link;

import io.micronaut.http.uri.UriBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The link flow's URLs come out exactly as Micronaut's UriBuilder made them before. */
@Tag("unit")
class QueryUrlsTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "https://platform.example/settings/integrations",
            "http://localhost:8090/oauth/authorize/",
            "https://platform.example/settings#sentry",
            "https://platform.example/a%2Fb/c",
            "https://platform.example/settings?tab=a%20b&x=1#sentry",
            "https://platform.example/settings?"})
    void addsParametersAsUriBuilderDoes(String base) {
        String[] params = {"scope", "org:read project:read", "state", "ab-_c~d.e",
                "redirect_uri", "http://localhost:8080/connect/sentry/callback", "x", "é&=+/?#% "};
        UriBuilder builder = UriBuilder.of(URI.create(base));
        for (int i = 0; i < params.length; i += 2) {
            builder.queryParam(params[i], params[i + 1]);
        }
        assertEquals(builder.build(), QueryUrls.with(base, params));
    }
}
