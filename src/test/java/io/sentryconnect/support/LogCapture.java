package io.sentryconnect.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps every formatted log line of the test JVM (with exception messages and stacks) for leak searches. */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

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
