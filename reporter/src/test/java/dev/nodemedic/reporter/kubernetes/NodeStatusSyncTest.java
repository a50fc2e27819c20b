package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.ConditionBook;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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

    /** The node read and the first write, then the watch started, as the writer does them. */
    private NodeStatusWrite firstWrite() {
        sync.adopted(Set.of(), Optional.of("uid-1"), clock.instant());
        NodeStatusWrite first = sync.step(clock.instant()).orElseThrow();
        sync.written(first, clock.instant());
        assertThat(sync.watchDue(clock.instant())).isTrue();
        sync.watchStarted();
        return first;
    }

    @Test
    void nothingIsWrittenBeforeTheNodeWasRead() {
        clock.advance(Duration.ofMinutes(10));
        assertThat(sync.step(clock.instant())).isEmpty();
    }

    @Test
    void theFirstWriteGoesOutAsSoonAsTheNodeWasRead() {
        NodeStatusWrite first = firstWrite();
        assertThat(first.conditions()).extracting(c -> c.type()).containsExactly("KernelDeadlock");
        assertThat(first.heartbeat()).isEqualTo(clock.instant());
    }

    @Test
    void theFirstChangeAfterAQuietPeriodGoesOutAtOnce() {
        firstWrite();
        clock.advance(Duration.ofSeconds(10));

        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());

        assertThat(sync.nextWake(clock.instant())).isEqualTo(clock.instant());
        assertThat(sync.step(clock.instant())).as("no debounce before a lone change").hasValueSatisfying(
                patch -> assertThat(patch.conditions().getFirst().reason()).isEqualTo("DockerHung"));
    }

    @Test
    void changesWithinTheWindowOfAWriteBecomeOneWriteWhenItCloses() {
        firstWrite();
        clock.advance(Duration.ofSeconds(10));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        sync.written(sync.step(clock.instant()).orElseThrow(), clock.instant());
        var windowOpened = clock.instant();

        clock.advance(Duration.ofMillis(50));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "AUFSUmountHung", "task umount blocked", clock.instant());
        clock.advance(Duration.ofMillis(100));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:8 blocked", clock.instant());

        assertThat(sync.nextWake(clock.instant())).isEqualTo(windowOpened.plus(Duration.ofMillis(200)));
        clock.advance(Duration.ofMillis(49));
        assertThat(sync.step(clock.instant())).as("199 ms after the write").isEmpty();
        clock.advance(Duration.ofMillis(1));
        NodeStatusWrite patch = sync.step(clock.instant()).orElseThrow();

        assertThat(patch.conditions()).singleElement().satisfies(c -> assertThat(c.message()).isEqualTo("task docker:8 blocked"));
        sync.written(patch, clock.instant());
        assertThat(sync.step(clock.instant())).isEmpty();
    }

    @Test
    void atTwoChangesASecondEveryChangeGoesOutAtOnce() {
        firstWrite();
        for (int i = 0; i < 40; i++) {
            clock.advance(Duration.ofMillis(500));
            book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "probe " + i, clock.instant());
            NodeStatusWrite patch = sync.step(clock.instant()).orElseThrow(() -> new AssertionError("a change that waited"));
            assertThat(patch.heartbeat()).isEqualTo(clock.instant());
            sync.written(patch, clock.instant());
        }
    }

    @Test
    void aConstantStreamOfChangesIsWrittenOncePerWindow() {
        firstWrite();
        int writes = 0;
        for (int ms = 10; ms <= 2000; ms += 10) {
            clock.advance(Duration.ofMillis(10));
            book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "line " + ms, clock.instant());
            var due = sync.step(clock.instant());
            if (due.isPresent()) {
                writes++;
                sync.written(due.get(), clock.instant());
            }
        }
        assertThat(writes).as("writes in 2 s of a change every 10 ms").isEqualTo(10);
    }

    @Test
    void anUnchangedBookIsWrittenOnlyAsAHeartbeat() {
        NodeStatusWrite first = firstWrite();
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
        fast.adopted(Set.of(), Optional.empty(), clock.instant());
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
        NodeStatusWrite next = sync.step(clock.instant()).orElseThrow();

        assertThat(Duration.between(returned, clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(next.conditions()).singleElement().satisfies(c -> assertThat(c.reason()).isEqualTo("R9"));
    }

    @Test
    void backoffGrowsWithJitterAndStaysUnderTheCap() {
        var failure = new ApiFailure(ApiFailure.Kind.SERVER_ERROR, 500, "etcd timeout");
        firstWrite();
        clock.advance(Duration.ofMinutes(5));
        Set<Duration> pauses = new HashSet<>();
        for (int i = 1; i <= 8; i++) {
            sync.step(clock.instant()).orElseThrow();
            Duration pause = sync.failed(failure, clock.instant());
            // 100 ms doubling per failure up to the 1 s cap of a server error, then a point in the upper half.
            Duration ceiling = Duration.ofMillis(Math.min(100L << (i - 1), 1000));
            assertThat(pause).as("pause after failure %d", i).isBetween(ceiling.dividedBy(2), ceiling);
            pauses.add(pause);
            assertThat(sync.step(clock.instant())).as("no write before the pause ends").isEmpty();
            clock.advance(pause);
        }
        assertThat(pauses).as("jitter: the capped pauses differ").hasSizeGreaterThan(5);
    }

    @Test
    void withdrawnTypesAreDeletedOnceAndNotAgain() throws Exception {
        book.declare("disk", List.of(READONLY), clock.instant());
        firstWrite();

        book.withdraw("disk");
        clock.advance(Duration.ofMillis(200));
        NodeStatusWrite patch = sync.step(clock.instant()).orElseThrow();
        assertThat(patch.deletes()).containsExactly("ReadonlyFilesystem");
        assertThat(patch.conditions()).extracting(c -> c.type()).containsExactly("KernelDeadlock");
        sync.written(patch, clock.instant());

        clock.advance(Duration.ofMinutes(5));
        assertThat(sync.step(clock.instant()).orElseThrow().deletes()).isEmpty();
    }

    @Test
    void staleTypesOfOursFoundOnTheNodeAreDeletedInTheFirstWrite() {
        sync.adopted(Set.of("KernelDeadlock", "CorruptDockerOverlay2"), Optional.empty(), clock.instant());

        NodeStatusWrite first = sync.step(clock.instant()).orElseThrow();

        assertThat(first.deletes()).containsExactly("CorruptDockerOverlay2");
    }

    @Test
    void aChangeDuringAWriteIsSentAfterIt() {
        sync.adopted(Set.of(), Optional.of("uid-1"), clock.instant());
        NodeStatusWrite inFlight = sync.step(clock.instant()).orElseThrow();
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", clock.instant());
        sync.written(inFlight, clock.instant());

        clock.advance(Duration.ofMillis(200));
        assertThat(sync.step(clock.instant()).orElseThrow().conditions().getFirst().reason()).isEqualTo("DockerHung");
    }

    @Test
    void anOlderSnapshotNeverReplacesANewerOne() {
        BookSnapshot newer = book.snapshot();
        sync.offer(BookSnapshot.EMPTY, clock.instant());
        sync.adopted(Set.of(), Optional.of("uid-1"), clock.instant());
        assertThat(sync.step(clock.instant()).orElseThrow().version()).isEqualTo(newer.version());
    }

    private static NodeObservation showing(String uid, String... ourTypes) {
        return new NodeObservation.Present(Optional.of(uid), Set.of(ourTypes));
    }

    @Test
    void ourEntriesRemovedFromTheNodeAreWrittenAgainAtOnceAndNoticedOnce() {
        firstWrite();
        clock.advance(Duration.ofSeconds(30));
        assertThat(sync.observed(showing("uid-1", "KernelDeadlock"), clock.instant())).as("our own write's echo").isEmpty();
        assertThat(sync.step(clock.instant())).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        assertThat(sync.observed(showing("uid-1"), clock.instant())).hasValue(new NodeDrift.Removed(new java.util.TreeSet<>(Set.of("KernelDeadlock"))));
        assertThat(sync.observed(showing("uid-1"), clock.instant())).as("noticed once").isEmpty();

        NodeStatusWrite repair = sync.step(clock.instant()).orElseThrow();
        assertThat(repair.conditions()).extracting(c -> c.type()).containsExactly("KernelDeadlock");
        sync.written(repair, clock.instant());
        assertThat(sync.observed(showing("uid-1", "KernelDeadlock"), clock.instant())).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(sync.step(clock.instant())).as("repaired: nothing more until the heartbeat").isEmpty();
    }

    @Test
    void aNodeDeletedAndCreatedAgainGetsOurConditionsBackAsSoonAsItExists() {
        Instant raised = clock.instant();
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        firstWrite();
        clock.advance(Duration.ofMinutes(1));

        assertThat(sync.observed(new NodeObservation.Gone(), clock.instant())).hasValue(new NodeDrift.Deleted());
        assertThat(sync.observed(new NodeObservation.Gone(), clock.instant())).isEmpty();
        clock.advance(Duration.ofMinutes(10));
        assertThat(sync.step(clock.instant())).as("no write to a node that does not exist, not even a heartbeat").isEmpty();

        clock.advance(Duration.ofSeconds(3));
        assertThat(sync.observed(showing("uid-2"), clock.instant()))
                .hasValue(new NodeDrift.Recreated(Optional.of("uid-2"), new java.util.TreeSet<>(Set.of("KernelDeadlock"))));
        NodeStatusWrite repair = sync.step(clock.instant()).orElseThrow();
        assertThat(repair.conditions()).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("DockerHung");
            assertThat(c.lastTransitionTime()).as("the book's, not the re-creation's").isEqualTo(raised);
        });
    }

    @Test
    void aNodeCreatedAgainWhileTheWatchWasAwayIsToldByItsUid() {
        firstWrite();
        assertThat(sync.observed(showing("uid-2"), clock.instant())).hasValueSatisfying(drift -> assertThat(drift).isInstanceOf(NodeDrift.Recreated.class));
    }

    @Test
    void aNodeThatComesBackEndsTheNotFoundBackoff() {
        firstWrite();
        clock.advance(Duration.ofMinutes(5));
        sync.step(clock.instant()).orElseThrow();
        for (int i = 0; i < 6; i++) {
            sync.failed(new ApiFailure(ApiFailure.Kind.NOT_FOUND, 404, "nodes \"node-a\" not found"), clock.instant());
        }
        assertThat(sync.step(clock.instant())).as("backing off").isEmpty();

        sync.observed(showing("uid-2"), clock.instant());

        assertThat(sync.step(clock.instant())).isPresent();
    }

    @Test
    void theWatchStartsAfterTheFirstWriteAndAgainAfterABackoffWhenLost() {
        sync.adopted(Set.of(), Optional.empty(), clock.instant());
        assertThat(sync.watchDue(clock.instant())).as("before the first write").isFalse();
        sync.written(sync.step(clock.instant()).orElseThrow(), clock.instant());
        assertThat(sync.watchDue(clock.instant())).isTrue();
        sync.watchStarted();
        assertThat(sync.watchDue(clock.instant())).isFalse();

        Duration pause = sync.watchLost(new ApiFailure(ApiFailure.Kind.FORBIDDEN, 403, "nodes is forbidden"), clock.instant());

        assertThat(sync.watchDue(clock.instant())).isFalse();
        assertThat(sync.nextWake(clock.instant())).isEqualTo(clock.instant().plus(pause));
        clock.advance(pause);
        assertThat(sync.watchDue(clock.instant())).isTrue();
    }
}
