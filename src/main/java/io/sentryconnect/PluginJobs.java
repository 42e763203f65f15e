package io.sentryconnect;

import io.micronaut.context.annotation.Secondary;
import io.micronaut.scheduling.ScheduledExecutorTaskScheduler;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the plugin's background jobs run on ({@code @Scheduled(scheduler = PluginJobs.NAME)}): the background
 * refresh, webhook delivery and the two purges. Each of them blocks (a database transaction, a POST to the host's
 * webhook receiver that may take its whole read timeout), so on Micronaut's shared {@code scheduled} executor they
 * would take the host's own {@code @Scheduled} jobs' threads: with a pool of one, a stalled webhook receiver stopped
 * every job of the host's. Here they share a pool of {@link #THREADS}, at least one for each job, and the host's
 * executor stays the host's. A host's graceful shutdown ({@code micronaut.lifecycle.graceful-shutdown}) waits for a
 * running job as it waits for Micronaut's executors: the pool takes no new run and the shutdown completes when the
 * running one has.
 *
 * <p>A {@link TaskScheduler} bean because that is what {@code @Scheduled(scheduler = …)} looks up by name, and not an
 * executor: a host's {@code ExecutorService} injection points never see it. Named and secondary, like the plugin's
 * clock ({@link ClockFactory}): a host's unqualified {@code TaskScheduler} keeps resolving to Micronaut's.
 */
@Singleton
@Named(PluginJobs.NAME)
@Secondary
public final class PluginJobs implements TaskScheduler, GracefulShutdownCapable {
    /** The scheduler name the plugin's {@code @Scheduled} methods give. */
    public static final String NAME = "sentry-connect-jobs";
    /** At least one per job, so that a job that blocks delays none of the others. */
    static final int THREADS = 4;

    private final ScheduledThreadPoolExecutor executor;
    private final TaskScheduler scheduler;

    PluginJobs() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, NAME + "-" + count.incrementAndGet());
            thread.setDaemon(true); // a job never holds the JVM open; the context's close stops them anyway
            return thread;
        };
        executor = new ScheduledThreadPoolExecutor(THREADS, threads);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        // Micronaut's own scheduler over our executor: the same cron, fixed-rate and fixed-delay semantics.
        scheduler = new ScheduledExecutorTaskScheduler(executor);
    }

    @Override
    public ScheduledFuture<?> schedule(String cron, Runnable command) {
        return scheduler.schedule(cron, command);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(String cron, Callable<V> command) {
        return scheduler.schedule(cron, command);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(String cron, String timezoneId, Callable<V> command) {
        return scheduler.schedule(cron, timezoneId, command);
    }

    @Override
    public ScheduledFuture<?> schedule(String cron, String timezoneId, Runnable command) {
        return scheduler.schedule(cron, timezoneId, command);
    }

    @Override
    public ScheduledFuture<?> schedule(Duration delay, Runnable command) {
        return scheduler.schedule(delay, command);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Duration delay, Callable<V> callable) {
        return scheduler.schedule(delay, callable);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable command) {
        return scheduler.scheduleAtFixedRate(initialDelay, period, command);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Duration initialDelay, Duration delay, Runnable command) {
        return scheduler.scheduleWithFixedDelay(initialDelay, delay, command);
    }

    @Override
    public CompletionStage<?> shutdownGracefully() {
        executor.shutdown();
        CompletableFuture<Void> terminated = new CompletableFuture<>();
        // The executor offers no completion to wait on without blocking, so a thread of its own waits for it.
        Thread waiter = new Thread(() -> {
            try {
                while (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                    // still running; the shutdown manager's own timeout bounds how long anyone waits
                }
                terminated.complete(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                terminated.completeExceptionally(e);
            }
        }, NAME + "-shutdown");
        waiter.setDaemon(true);
        waiter.start();
        return terminated;
    }

    @Override
    public OptionalLong reportActiveTasks() {
        return OptionalLong.of(executor.getActiveCount());
    }

    /** Pending runs are dropped; a job already running finishes (an unfinished batch is taken again when its lease ends). */
    @PreDestroy
    void close() {
        executor.shutdown();
    }
}
