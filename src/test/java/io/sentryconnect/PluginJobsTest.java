package io.sentryconnect;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.scheduling.TaskScheduler;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Await;
import io.sentryconnect.support.FaultyWebhookReceiver;
import io.sentryconnect.support.ServiceTest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host whose own {@code @Scheduled} job shares Micronaut's {@code scheduled} executor, shrunk to one thread, with a
 * plugin whose webhook receiver stalls. The plugin's jobs run on threads of their own ({@link PluginJobs}), so the
 * host's job keeps its cadence while a delivery hangs, and the host's scheduler beans are Micronaut's.
 */
@MicronautTest(environments = "test", transactional = false)
class PluginJobsTest extends ServiceTest {
    private static final long STALL_MS = 6_000;
    private final FaultyWebhookReceiver receiver = new FaultyWebhookReceiver();

    @Inject
    ApplicationContext context;
    @Inject
    HostJob hostJob;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("test.host-job", "true",
                "micronaut.executors.scheduled.core-pool-size", "1",
                "sentry-connect.webhook.url", receiver.url(),
                "sentry-connect.webhook.secret", "plugin-jobs-webhook-secret-0123456789",
                "sentry-connect.webhook.poll-initial-delay", "100ms",
                "sentry-connect.webhook.poll-interval", "100ms",
                "sentry-connect.http.webhook-read-timeout", "20s");
    }

    @AfterAll
    void closeReceiver() {
        receiver.close();
    }

    /** A host's job on the shared scheduled executor: it counts its runs and notes its thread. */
    @Singleton
    @Requires(property = "test.host-job", value = "true")
    static final class HostJob {
        final AtomicInteger runs = new AtomicInteger();
        volatile String thread;

        @Scheduled(fixedDelay = "50ms")
        void tick() {
            thread = Thread.currentThread().getName();
            runs.incrementAndGet();
        }
    }

    @Test
    void aStalledWebhookReceiverLeavesTheHostsJobsRunning() {
        String tenant = "t-jobs-" + java.util.UUID.randomUUID();
        receiver.failNext(tenant, FaultyWebhookReceiver.Failure.TIMEOUT, STALL_MS);
        driver.link(driver.jwt(tenant, "u1"), "1", "acme");
        Await.until(() -> receiver.received().stream().anyMatch(body -> body.contains(tenant)),
                "the delivery of the new grant's event", Duration.ofSeconds(10));

        int before = hostJob.runs.get();
        sleep(1_000);
        int ran = hostJob.runs.get() - before;
        // A 50 ms fixed delay runs about 20 times a second; on the plugin's stalled thread it would have run at most once.
        assertTrue(ran >= 5, "the host's job ran " + ran + " times in the second the webhook receiver stalled");

        Optional<Thread> delivering = Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> Arrays.stream(thread.getValue()).anyMatch(frame ->
                        frame.getClassName().equals("io.sentryconnect.events.WebhookDelivery")))
                .map(Map.Entry::getKey).findFirst();
        assertTrue(delivering.isPresent(), "a delivery is under way while the receiver stalls");
        assertTrue(delivering.get().getName().startsWith(PluginJobs.NAME + "-"), delivering.get().getName());
        assertFalse(hostJob.thread.startsWith(PluginJobs.NAME), hostJob.thread);
    }

    @Test
    void theHostsSchedulerBeansStayMicronauts() {
        TaskScheduler unqualified = context.getBean(TaskScheduler.class);
        assertFalse(unqualified instanceof PluginJobs, unqualified.getClass().getName());
        assertEquals(unqualified, context.getBean(TaskScheduler.class, Qualifiers.byName("scheduled")));
        assertInstanceOf(PluginJobs.class, context.getBean(TaskScheduler.class, Qualifiers.byName(PluginJobs.NAME)));
        assertFalse(context.findBean(java.util.concurrent.ExecutorService.class, Qualifiers.byName(PluginJobs.NAME)).isPresent(),
                "the plugin's job threads are no executor bean a host could be handed");
    }

    @Test
    void aGracefulShutdownWaitsForTheRunningJob() throws Exception {
        PluginJobs jobs = new PluginJobs();
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        jobs.schedule(Duration.ZERO, () -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        jobs.schedule(Duration.ofHours(1), () -> { });
        assertTrue(running.await(5, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.CompletableFuture<?> shutdown = jobs.shutdownGracefully().toCompletableFuture();
        assertEquals(java.util.OptionalLong.of(1), jobs.reportActiveTasks());
        sleep(200);
        assertFalse(shutdown.isDone(), "the shutdown waits for the running job");
        release.countDown();
        shutdown.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(finished.get(), "the running job finished");
        assertEquals(java.util.OptionalLong.of(0), jobs.reportActiveTasks());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
