package io.sentryconnect.link;

import java.time.Instant;

/** The link answer of {@code POST /api/v1/links}, for tests outside the package. */
public final class LinkJsonAccess {
    private LinkJsonAccess() {
    }

    public static Object of(String linkUrl, Instant expiresAt) {
        return new LinkController.LinkJson(linkUrl, expiresAt.toString());
    }
}
