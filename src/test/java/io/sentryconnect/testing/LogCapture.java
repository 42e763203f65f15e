package io.sentryconnect.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every formatted log line of the test JVM (with exception messages and stacks) for leak searches: a test
 * asserts that {@link #linesContaining} a real token, code or secret is empty. Add it as a logback appender
 * ({@code <appender name="CAPTURE" class="io.sentryconnect.testing.LogCapture"/>} on the root logger), or call
 * {@link #install()} once.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
    private static volatile boolean installed;

    /** Attaches a capturing appender to logback's root logger, unless one already is. */
    public static synchronized void install() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (installed || root.iteratorForAppenders().hasNext() && hasCapture(root)) {
            installed = true;
            return;
        }
        LogCapture appender = new LogCapture();
        appender.setContext(root.getLoggerContext());
        appender.setName("sentry-connect-capture");
        appender.start();
        root.addAppender(appender);
        installed = true;
    }

    private static boolean hasCapture(ch.qos.logback.classic.Logger root) {
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof LogCapture) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage())
                .append(" mdc=").append(event.getMDCPropertyMap());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            line.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                line.append("\n\tat ").append(frame.getSTEAsString());
            }
        }
        LINES.add(line.toString());
    }

    /** Everything logged so far. */
    public static List<String> lines() {
        return new ArrayList<>(LINES);
    }

    /** The captured lines that contain {@code secret}; empty is the only good answer. */
    public static List<String> linesContaining(String secret) {
        return LINES.stream().filter(l -> l.contains(secret)).toList();
    }
}
