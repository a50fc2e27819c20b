package dev.nodemedic.remedy.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lease leader election with fabric8's LeaderElector: only the replica holding the Lease acts. A
 * fabric8 elector runs one term and ends when leadership is lost; this class then stands again, so a
 * replica that lost the Lease (an API server outage, a long pause) becomes a follower ready to take
 * over rather than a process to restart.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    /** What the leader does; both calls come from the elector's thread and must return promptly. */
    public interface Follower {
        void startLeading();

        void stopLeading();
    }

    private final KubernetesClient client;
    private final LeaseSettings settings;
    private final Follower follower;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicReference<String> leader = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<?>> term = new AtomicReference<>();
    private volatile boolean closed;

    public Leadership(KubernetesClient client, LeaseSettings settings, Follower follower) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.follower = Objects.requireNonNull(follower, "follower");
    }

    /** Stands for election; returns at once. */
    public void start() {
        stand();
    }

    public boolean isLeader() {
        return leading.get();
    }

    /** The holder this replica last saw, itself included. */
    public Optional<String> leader() {
        return Optional.ofNullable(leader.get());
    }

    private synchronized void stand() {
        if (closed) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(settings.name())
                .withLock(new LeaseLock(settings.namespace(), settings.name(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(settings.releaseOnStop())
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::observed))
                .build();
        CompletableFuture<?> running = client.leaderElector().withConfig(config).build().start();
        term.set(running);
        running.whenComplete((ignored, failure) -> {
            if (failure != null && !(failure instanceof CancellationException)) {
                log.warn("leader election ended with an error lease={}/{} identity={}: {}", settings.namespace(), settings.name(),
                        settings.identity(), failure.toString());
            }
            // The elector calls onStopLeading itself; this covers a term that ended before it led.
            stopped();
            // After a retry period, as the elector itself would retry: a term that keeps ending at once cannot spin.
            CompletableFuture.runAsync(this::stand, CompletableFuture.delayedExecutor(settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS));
        });
    }

    private void started() {
        if (leading.compareAndSet(false, true)) {
            log.info("leading lease={}/{} identity={}: acting on nodes", settings.namespace(), settings.name(), settings.identity());
            follower.startLeading();
        }
    }

    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            log.info("no longer leading lease={}/{} identity={}: stopped acting on nodes", settings.namespace(), settings.name(), settings.identity());
            follower.stopLeading();
        }
    }

    private void observed(String holder) {
        String previous = leader.getAndSet(holder);
        if (holder != null && !holder.equals(previous) && !holder.equals(settings.identity())) {
            log.info("leader is another replica lease={}/{} leader={} identity={}", settings.namespace(), settings.name(), holder, settings.identity());
        }
    }

    /** Stops standing; a leader stops acting and, with {@link LeaseSettings#releaseOnStop}, gives the Lease up at once. */
    @Override
    public void close() {
        CompletableFuture<?> running;
        synchronized (this) {
            closed = true;
            running = term.get();
        }
        if (running != null) {
            running.cancel(true);
        }
        stopped();
    }
}
