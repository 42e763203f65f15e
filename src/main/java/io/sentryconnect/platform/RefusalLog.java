package io.sentryconnect.platform;

import org.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says why platform tokens are refused without a line per request: at INFO the first time for each reason, at DEBUG
 * after that. A platform whose tokens all fail one rule (a 7-day {@code exp} against a 24-hour {@code max-token-age},
 * a wrong audience) learns why from its log at once. A reason names the rule and its setting, never a claim's value
 * or the token, and is one of a fixed few, so the set stays small.
 */
final class RefusalLog {
    private final Logger log;
    private final String where;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** @param where how the refusal is told, e.g. {@code "on the plugin's routes"} */
    RefusalLog(Logger log, String where) {
        this.log = log;
        this.where = where;
    }

    void refused(String reason) {
        if (reported.add(reason)) {
            log.info("A platform token was refused {}: {} (logged once; DEBUG shows every one)", where, reason);
        } else {
            log.debug("A platform token was refused {}: {}", where, reason);
        }
    }
}
