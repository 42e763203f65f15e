/**
 * Benchmarks: main programs run by {@code bench/run.sh}, never by the test suite. They start the stand-in and the
 * service as processes of their own on loopback, bound their own duration, and print their figures.
 */
package io.sentryconnect.bench;
