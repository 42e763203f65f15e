package io.sentryconnect;

/**
 * A check of the plugin's settings that stops the start when it fails (on the start-up event, so that its message
 * reaches the operator unwrapped). The plugin's migrations ask every check first, so that a start that is going to
 * stop leaves the host's schema as it found it ({@code database.SchemaMigration}).
 */
public interface StartCheck {
    /** @throws RuntimeException naming the setting, when the start must stop */
    void verify();
}
