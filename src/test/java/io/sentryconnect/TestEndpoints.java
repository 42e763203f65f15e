package io.sentryconnect;

import java.net.URI;
import java.util.List;

/** {@link Endpoints} with every group at its default path, for unit tests outside a context. */
public final class TestEndpoints {
    private TestEndpoints() {
    }

    public static Endpoints at(String publicUrl) {
        return new Endpoints(new SentryConnectProperties(true, URI.create(publicUrl), false), List.of(), "");
    }
}
