package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.ConditionBook;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeStatusSyncTest {
    private static final ConditionDeclaration DEADLOCK = new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock");
    private static final ConditionDeclaration READONLY = new ConditionDeclaration("ReadonlyFilesystem", "FilesystemIsNotReadOnly", "Filesystem is not read-only");

    private final ManualClock clock = new ManualClock();
    private final NodeStatusSync sync = new NodeStatusSync(Duration.ofMillis(200), Duration.ofMinutes(5), Backoff.DEFAULT, new SplittableRandom(7));
    private final ConditionBook book = new ConditionBook((before, after) -> sync.offer(after, clock.instant()));

    @BeforeEach
    void declared() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
    }

    private NodeStatusPatch firstWrite() {
        sync.adopted(Set.of(), clock.instant());
        NodeStatusPatch first = sync.step(clock.instant()).orElseThrow();
        sync.written(first, clock.instant());
        return first;
    }

    @Test
    void nothingIsWrittenBeforeTheNodeWasRead() {
        clock.advance(Duration.ofMinutes(10));
        assertThat(sync.step(clock.instant())).isEmpty();
    }

    @Test
    void theFirstWriteGoesOutAsSoonAsTheNodeWasRead() {
        NodeStatusPatch first = firstWrite();
        assertThat(first.conditions()).extracting(c -> c.type()).containsExactly("KernelDeadlock");
        assertThat(first.heartbeat()).isEqualTo(clock.instant());
    }

    @Test
    void aChangeWaitsForTheDebounceAndABurstBecomesOneWrite() {
        firstWrite();
        clock.advance(Duration.ofSeconds(10));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        clock.advance(Duration.ofMillis(150));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "AUFSUmountHung", "task umount blocked", clock.instant());

        clock.advance(Duration.ofMillis(49));
        assertThat(sync.step(clock.instant())).as("199 ms after the first change").isEmpty();
        clock.advance(Duration.ofMillis(1));
        NodeStatusPatch patch = sync.step(clock.instant()).orElseThrow();

        assertThat(patch.conditions()).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("AUFSUmountHung");
            assertThat(c.status()).isEqualTo(ConditionStatus.TRUE);
        });
        sync.written(patch, clock.instant());
        assertThat(sync.step(clock.instant())).isEmpty();
    }

    @Test
    void anUnchangedBookIsWrittenOnlyAsAHeartbeat() {
        NodeStatusPatch first = firstWrite();
        int writes = 1;
        for (int second = 1; second <= 3600; second++) {
            clock.advance(Duration.ofSeconds(1));
            var due = sync.step(clock.instant());
            if (due.isPresent()) {
                writes++;
                assertThat(due.get().heartbeat()).isEqualTo(first.heartbeat().plus(Duration.ofMinutes(5L * (writes - 1))));
                assertThat(due.get().conditions()).isEqualTo(first.conditions());
                sync.written(due.get(), clock.instant());
            }
        }
        assertThat(writes).as("writes in a steady hour, the first one included").isEqualTo(13);
    }

    @Test
    void theHeartbeatIntervalIsConfigurable() {
        NodeStatusSync fast = new NodeStatusSync(Duration.ofMillis(200), Duration.ofSeconds(30), Backoff.DEFAULT, new SplittableRandom(7));
        fast.offer(book.snapshot(), clock.instant());
        fast.adopted(Set.of(), clock.instant());
        fast.written(fast.step(clock.instant()).orElseThrow(), clock.instant());

        clock.advance(Duration.ofSeconds(29));
        assertThat(fast.step(clock.instant())).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(fast.step(clock.instant())).isPresent();
    }

    @Test
    void afterAnOutageOnlyTheLatestTruthIsSentWithinTwoSecondsOfTheReturn() {
        firstWrite();
        var failure = new ApiFailure(ApiFailure.Kind.UNREACHABLE, 0, "connection refused");
        for (int minute = 0; minute < 10; minute++) {
            clock.advance(Duration.ofMinutes(1));
            book.set("kernel-log", "KernelDeadlock", minute % 2 == 0 ? ConditionStatus.TRUE : ConditionStatus.FALSE, "R" + minute, "m" + minute, clock.instant());
            sync.step(clock.instant()).ifPresent(p -> sync.failed(failure, clock.instant()));
        }
        // Keep failing for a while so the backoff reaches its cap.
        for (int i = 0; i < 50; i++) {
            clock.set(sync.nextWake(clock.instant()));
            sync.step(clock.instant()).ifPresent(p -> sync.failed(failure, clock.instant()));
        }
        var returned = clock.instant();

        clock.set(sync.nextWake(clock.instant()));
        NodeStatusPatch next = sync.step(clock.instant()).orElseThrow();

        assertThat(Duration.between(returned, clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(next.conditions()).singleElement().satisfies(c -> assertThat(c.reason()).isEqualTo("R9"));
    }

    @Test
    void backoffGrowsWithJitterAndStaysUnderTheCap() {
        var failure = new ApiFailure(ApiFailure.Kind.SERVER_ERROR, 500, "etcd timeout");
        firstWrite();
        clock.advance(Duration.ofMinutes(5));
        Duration last = Duration.ZERO;
        for (int i = 1; i <= 8; i++) {
            sync.step(clock.instant()).orElseThrow();
            Duration pause = sync.failed(failure, clock.instant());
            assertThat(pause).isLessThanOrEqualTo(Duration.ofSeconds(1)).isPositive();
            if (i <= 3) {
                assertThat(pause).isGreaterThanOrEqualTo(last.dividedBy(2));
            }
            last = pause;
            assertThat(sync.step(clock.instant())).as("no write before the pause ends").isEmpty();
            clock.advance(pause);
        }
    }

    @Test
    void withdrawnTypesAreDeletedOnceAndNotAgain() throws Exception {
        book.declare("disk", List.of(READONLY), clock.instant());
        firstWrite();

        book.withdraw("disk");
        clock.advance(Duration.ofMillis(200));
        NodeStatusPatch patch = sync.step(clock.instant()).orElseThrow();
        assertThat(patch.deletes()).containsExactly("ReadonlyFilesystem");
        assertThat(patch.conditions()).extracting(c -> c.type()).containsExactly("KernelDeadlock");
        sync.written(patch, clock.instant());

        clock.advance(Duration.ofMinutes(5));
        assertThat(sync.step(clock.instant()).orElseThrow().deletes()).isEmpty();
    }

    @Test
    void staleTypesOfOursFoundOnTheNodeAreDeletedInTheFirstWrite() {
        sync.adopted(Set.of("KernelDeadlock", "CorruptDockerOverlay2"), clock.instant());

        NodeStatusPatch first = sync.step(clock.instant()).orElseThrow();

        assertThat(first.deletes()).containsExactly("CorruptDockerOverlay2");
    }

    @Test
    void aChangeDuringAWriteIsSentAfterIt() {
        sync.adopted(Set.of(), clock.instant());
        NodeStatusPatch inFlight = sync.step(clock.instant()).orElseThrow();
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", clock.instant());
        sync.written(inFlight, clock.instant());

        clock.advance(Duration.ofMillis(200));
        assertThat(sync.step(clock.instant()).orElseThrow().conditions().getFirst().reason()).isEqualTo("DockerHung");
    }

    @Test
    void anOlderSnapshotNeverReplacesANewerOne() {
        BookSnapshot newer = book.snapshot();
        sync.offer(BookSnapshot.EMPTY, clock.instant());
        sync.adopted(Set.of(), clock.instant());
        assertThat(sync.step(clock.instant()).orElseThrow().version()).isEqualTo(newer.version());
    }
}
