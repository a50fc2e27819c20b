package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader hand-over between two remedy controller processes, each started by the distribution's launcher
 * with the shipped Lease timings (15 s lease, 10 s renew deadline, 2 s retry), against fabric8's mock
 * API server in CRUD mode over real HTTP. A SIGTERM (a rollout, a drained node) hands the Lease over
 * within a follower's retry; a SIGKILL (OOM, a lost node) leaves it to expire. The figures are printed
 * (surefire's output file) for docs/benchmarks.md.
 */
@EnableKubernetesMockClient(crud = true)
class RemedyHandoverTest {
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** fabric8's elector waits a retry period plus up to 1.2 times more (its JITTER_FACTOR) between tries to acquire. */
    private static final Duration RETRY_WITH_JITTER = Duration.ofMillis(RETRY.toMillis() * 22 / 10);
    private static final Duration BOUND = Duration.ofSeconds(60);

    KubernetesClient client;
    @TempDir
    Path work;

    @AfterEach
    void closeClient() {
        // Our own connections go before the mock server shuts down, which waits for open ones.
        client.close();
    }

    private RemedyProcess start(String identity) throws Exception {
        Path kubeconfig = work.resolve("kubeconfig");
        if (!Files.exists(kubeconfig)) {
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster: {server: "%s", insecure-skip-tls-verify: true}
                    users:
                    - name: test
                      user: {token: test-token}
                    contexts:
                    - name: mock
                      context: {cluster: mock, user: test}
                    current-context: mock
                    """.formatted(client.getConfiguration().getMasterUrl()));
        }
        Path dir = Files.createDirectories(work.resolve(identity));
        // No Lease timing flags: the shipped defaults are what is measured.
        return RemedyProcess.start(DeployTree.fromBuild(), dir, List.of("--kubeconfig", kubeconfig.toString(), "--identity", identity,
                "--lease-namespace", "kube-system", "--dry-run", "--address", "127.0.0.1", "--port", "0"));
    }

    private Optional<Lease> lease() {
        return Optional.ofNullable(client.leases().inNamespace("kube-system").withName("nodemedic-remedy").get());
    }

    private boolean held(String identity) {
        return lease().map(l -> identity.equals(l.getSpec().getHolderIdentity())).orElse(false);
    }

    private static void until(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(BOUND);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("still not true after " + BOUND + ": " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** From the old leader's signal to the moment the new holder's acquireTime says it took the Lease. */
    private Duration handover(Instant signalled, String to) {
        until(to + " holds the Lease", () -> held(to));
        Instant acquired = lease().orElseThrow().getSpec().getAcquireTime().toInstant();
        return Duration.between(signalled, acquired);
    }

    private void awaitFollowing(RemedyProcess follower, String leader) {
        until("the follower has seen " + leader + " lead", () -> {
            try {
                return follower.log().contains("leader is another replica") && follower.log().contains("leader=" + leader);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void onSigtermTheLeaderGivesTheLeaseUpAndAFollowerTakesOverWithinARetry() throws Exception {
        RemedyProcess a = start("remedy-a");
        RemedyProcess b = null;
        RemedyProcess c = null;
        try {
            until("remedy-a holds the Lease", () -> held("remedy-a"));
            b = start("remedy-b");
            awaitFollowing(b, "remedy-a");

            Instant first = Instant.now();
            a.close();
            Duration toB = handover(first, "remedy-b");
            String aLog = a.log();

            c = start("remedy-c");
            awaitFollowing(c, "remedy-b");
            Instant second = Instant.now();
            b.close();
            Duration toC = handover(second, "remedy-c");

            System.out.printf("handover on SIGTERM: %d ms, %d ms (lease %ds, retry %ds)%n", toB.toMillis(), toC.toMillis(),
                    LEASE.toSeconds(), RETRY.toSeconds());
            assertThat(aLog).contains("no longer leading").contains("remedy controller stopped identity=remedy-a");
            // A Lease left to expire cannot change hands before LEASE - RETRY (13 s) after the signal: the old
            // holder renewed at most one retry period before it. Sooner means it was given up.
            for (Duration handover : List.of(toB, toC)) {
                assertThat(handover).isPositive().isLessThan(LEASE.minus(RETRY));
            }
            assertThat(lease().orElseThrow().getSpec().getLeaseTransitions()).isEqualTo(2);
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aKilledLeaderIsReplacedOnlyOnceItsLeaseHasExpired() throws Exception {
        RemedyProcess a = start("remedy-a");
        RemedyProcess b = null;
        try {
            until("remedy-a holds the Lease", () -> held("remedy-a"));
            b = start("remedy-b");
            awaitFollowing(b, "remedy-a");

            Instant killed = Instant.now();
            a.kill();
            Duration toB = handover(killed, "remedy-b");

            System.out.printf("handover on SIGKILL: %d ms (lease %ds, retry %ds)%n", toB.toMillis(), LEASE.toSeconds(), RETRY.toSeconds());
            // The bound the docs give: the lease duration after the last renewal (at most one retry before the kill),
            // then the follower's next try (a retry period with up to 120 % jitter). The upper end gets 3 s for a
            // loaded machine's pauses; the lower end is the point: a killed leader's Lease is never taken early.
            assertThat(toB).isBetween(LEASE.minus(RETRY), LEASE.plus(RETRY_WITH_JITTER).plusSeconds(3));
        } finally {
            a.close();
            if (b != null) {
                b.close();
            }
        }
    }
}
