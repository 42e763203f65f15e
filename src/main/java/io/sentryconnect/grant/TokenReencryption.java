package io.sentryconnect.grant;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-encrypts every grant's tokens under the primary key, batch by batch, after a new key was added and made
 * primary ({@code sentry-connect.encryption.primary-key-id}). Idempotent (a row already under the primary key is not
 * touched) and resumable (stopped half-way, the next run picks up what is left). Run it with
 * {@code java -jar sentry-connect.jar reencrypt-tokens} (see the README) while the service keeps serving; remove an
 * old key from the configuration only after it reports 0 remaining.
 */
@Singleton
public class TokenReencryption {
    private static final Logger LOG = LoggerFactory.getLogger(TokenReencryption.class);
    private final KeyRotation rotation;

    TokenReencryption(KeyRotation rotation) {
        this.rotation = rotation;
    }

    /** Re-encrypts at most {@code maxBatches} batches of {@code batchSize}; returns how many rows it re-encrypted. */
    public long run(int batchSize, int maxBatches) {
        long total = 0;
        for (int batch = 0; batch < maxBatches; batch++) {
            int done = rotation.reencryptBatch(batchSize);
            total += done;
            if (done == 0) {
                break;
            }
            LOG.info("Re-encrypted {} grants so far", total);
        }
        LOG.info("Token re-encryption finished this run: {} grants re-encrypted", total);
        return total;
    }
}
