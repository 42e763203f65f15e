/**
 * What the host keeps whatever {@code sentry-connect.enabled} says: beans that undo what the plugin's jars do to a
 * host by their mere presence on its classpath, which switching the plugin off does not take away. Outside the
 * {@code io.sentryconnect} packages on purpose: that root's {@code @Requires(sentry-connect.enabled)} covers every
 * package below it. Nothing here serves the plugin itself.
 */
package io.sentryconnect_host;
