package io.sentryconnect.grant;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Re-encrypts every grant's tokens under the primary key, batch by batch, after a new key was added and made
 * primary ({@code sentry-connect.encryption.primary-key-id}). Idempotent (a row already under the primary key is not
 * touched) and resumable (stopped half-way, the next run picks up what is left). A row whose tokens decrypt under no
 * configured key is skipped and counted (its grant id logged), and the run goes on. Run it with
 * {@code java -jar sentry-connect.jar reencrypt-tokens} (see the README) while the service keeps serving; remove an
 * old key from the configuration only after a run re-encrypts 0 and skips none it could have read.
 */
@Singleton
public class TokenReencryption {
    private static final Logger LOG = LoggerFactory.getLogger(TokenReencryption.class);
    private final KeyRotation rotation;

    TokenReencryption(KeyRotation rotation) {
        this.rotation = rotation;
    }

    /** What a run did: grants re-encrypted, and grants skipped because their tokens decrypt under no configured key. */
    public record Outcome(long reencrypted, long undecryptable) {
    }

    /** Re-encrypts at most {@code maxBatches} batches of {@code batchSize}, from the lowest grant id up. */
    public Outcome run(int batchSize, int maxBatches) {
        long reencrypted = 0;
        long undecryptable = 0;
        UUID after = KeyRotation.START;
        for (int batch = 0; batch < maxBatches; batch++) {
            KeyRotation.Batch done = rotation.reencryptBatch(batchSize, after);
            reencrypted += done.reencrypted();
            undecryptable += done.undecryptable();
            if (done.found() > 0) {
                LOG.info("Re-encrypted {} grants so far, {} skipped (their tokens do not decrypt)", reencrypted, undecryptable);
            }
            if (done.found() < batchSize) {
                break;
            }
            after = done.last();
        }
        LOG.info("Token re-encryption finished this run: {} grants re-encrypted, {} skipped (their tokens do not decrypt)",
                reencrypted, undecryptable);
        return new Outcome(reencrypted, undecryptable);
    }
}
