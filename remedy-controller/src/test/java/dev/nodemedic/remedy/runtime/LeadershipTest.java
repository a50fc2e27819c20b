package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.remedy.action.Eventually;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Two replicas against one Lease in the CRUD mock. Lease times are short so the test is quick, and
 * every wait is on a condition with a bound far above them, never on a fixed pause.
 */
@EnableKubernetesMockClient(crud = true)
class LeadershipTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofSeconds(4);
    KubernetesClient client;

    /** What a replica's controller was told, in order. */
    private static final class Recorder implements Leadership.Follower {
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** When it was told to lead: after the elector found the Lease expired and wrote it, not before. */
        volatile Instant startedAt;

        @Override
        public void startLeading() {
            startedAt = Instant.now();
            calls.add("start");
        }

        @Override
        public void stopLeading() {
            calls.add("stop");
        }
    }

    /**
     * A renew deadline far above any pause of a loaded test machine, so the leader never loses the Lease
     * by accident; the hand-over on a graceful stop does not wait for it.
     */
    private Leadership steady(String identity, Recorder recorder) {
        return new Leadership(client, new LeaseSettings("kube-system", "nodemedic-remedy", identity, Duration.ofSeconds(30),
                Duration.ofSeconds(20), Duration.ofMillis(250), true), recorder);
    }

    /** A short lease for the test that waits for one to expire. */
    private Leadership brief(String identity, boolean releaseOnStop, Recorder recorder) {
        return new Leadership(client, new LeaseSettings("kube-system", "nodemedic-remedy", identity, LEASE,
                Duration.ofSeconds(3), Duration.ofMillis(250), releaseOnStop), recorder);
    }

    private Lease lease() {
        return client.leases().inNamespace("kube-system").withName("nodemedic-remedy").get();
    }

    @Test
    void onlyOneReplicaLeadsAndTheOtherTakesOverWhenItStops() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Leadership a = steady("remedy-a", first);
        try {
            a.start();
            Eventually.until("remedy-a leads", BOUND, a::isLeader);
            try (Leadership b = steady("remedy-b", second)) {
                b.start();
                Eventually.until("remedy-b has seen the lease held by remedy-a", BOUND, () -> b.leader().filter("remedy-a"::equals).isPresent());
                assertThat(b.isLeader()).isFalse();
                assertThat(second.calls).isEmpty();

                a.close();

                assertThat(a.isLeader()).isFalse();
                assertThat(first.calls).containsExactly("start", "stop");
                Eventually.until("remedy-b takes over", BOUND, b::isLeader);
                assertThat(second.calls).containsExactly("start");
                assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("remedy-b");
                assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
            }
            assertThat(second.calls).containsExactly("start", "stop");
        } finally {
            a.close();
        }
    }

    /**
     * The point of releasing the Lease: a rollout's SIGTERM hands over within a second and a retry period
     * (fabric8 releases by shortening the Lease to 1 s; the follower tries every 250 ms here, up to 2.2
     * times that with the elector's jitter), not after the 30 s lease duration.
     */
    @Test
    void aGracefulStopReleasesTheLeaseAndTheFollowerTakesOverWithinASecondAndARetry() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Leadership a = steady("remedy-a", first);
        try (Leadership b = steady("remedy-b", second)) {
            a.start();
            Eventually.until("remedy-a leads", BOUND, a::isLeader);
            b.start();
            Eventually.until("remedy-b has seen the lease held by remedy-a", BOUND, () -> b.leader().filter("remedy-a"::equals).isPresent());

            Instant stop = Instant.now();
            a.close();
            Eventually.until("remedy-b takes over", BOUND, b::isLeader);
            Duration handover = Duration.between(stop, Instant.now());

            // A fifth of the lease duration: far above the retry period on a loaded machine, far below what an expiry takes.
            assertThat(handover).isLessThan(Duration.ofSeconds(6));
            Lease taken = lease();
            assertThat(taken.getSpec().getHolderIdentity()).isEqualTo("remedy-b");
            assertThat(taken.getSpec().getLeaseTransitions()).isEqualTo(1);
        } finally {
            a.close();
        }
    }

    @Test
    void aReplicaThatDiesWithoutGivingUpTheLeaseIsReplacedOnceTheLeaseExpires() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        Leadership a = brief("remedy-a", false, first);
        a.start();
        Eventually.until("remedy-a leads", BOUND, a::isLeader);
        try (Leadership b = brief("remedy-b", true, second)) {
            b.start();
            Eventually.until("remedy-b has seen the lease held by remedy-a", BOUND, () -> b.leader().filter("remedy-a"::equals).isPresent());
            Lease held = lease();
            assertThat(held.getSpec().getHolderIdentity()).isEqualTo("remedy-a");

            a.close();

            Eventually.until("remedy-b takes over after the lease expired", BOUND, () -> b.isLeader() && second.startedAt != null);
            Lease taken = lease();
            assertThat(taken.getSpec().getHolderIdentity()).isEqualTo("remedy-b");
            // remedy-a renewed no later than it was closed, so remedy-b cannot have been told to lead before a full lease
            // duration after that. Not the Lease's acquireTime: fabric8 takes that time before it reads the Lease and
            // checks the expiry, so under load it stands a GET's duration earlier than the check (seen: 1.1 ms).
            Instant renewed = held.getSpec().getRenewTime().toInstant();
            assertThat(second.startedAt).isAfterOrEqualTo(renewed.plus(LEASE));
            assertThat(second.calls).containsExactly("start");
        }
    }
}
