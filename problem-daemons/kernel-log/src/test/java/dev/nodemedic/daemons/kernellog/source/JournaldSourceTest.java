package dev.nodemedic.daemons.kernellog.source;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.FakeJournal;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The journald source on the agent's journal reader, played by a {@link FakeJournal}. The reader's
 * journalctl (restarts after the cursor, a journal without entries, a missing binary) is tested with
 * real processes in detector-core's {@code HostJournalTest} and {@code JournalctlTest}.
 */
class JournaldSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, String> KERNEL = Map.of("SYSLOG_IDENTIFIER", "kernel");

    private final FakeJournal journal = new FakeJournal(new ManualClock());
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private JournaldSource source;
    private Thread thread;

    private void run() {
        thread = Thread.ofPlatform().name("journald-source-test").start(() -> {
            try {
                source.run((timestamp, message) -> seen.add(timestamp.getEpochSecond() + " " + message));
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (source != null) {
            source.close();
        }
        if (thread != null) {
            thread.join(WAIT);
            assertThat(thread.isAlive()).as("reader ended after close").isFalse();
        }
    }

    @Test
    void entriesOfItsIdentifierFromItsStartBecomeStrippedLinesAndEmptyOnesAreDropped() throws Exception {
        journal.following();
        journal.write(Instant.ofEpochSecond(99), "before the start", KERNEL);
        source = JournaldSource.follow(journal, Journal.Query.identifier("kernel"), Instant.ofEpochSecond(100), WAIT, System.getLogger("test"));
        journal.write(Instant.ofEpochSecond(100), "Killed process 1 (java)\n", KERNEL);
        journal.write(Instant.ofEpochSecond(101), "  ", KERNEL);
        journal.write(Instant.ofEpochSecond(102), "dockerd's", Map.of("SYSLOG_IDENTIFIER", "dockerd"));
        journal.write(Instant.ofEpochSecond(103), "second\tline", KERNEL);

        run();

        awaitTrue("two lines, seen " + seen, WAIT, () -> seen.size() == 2);
        journal.flush();
        assertThat(seen).containsExactly("100 Killed process 1 (java)", "103 second\tline");
        assertThat(journal.open()).singleElement().extracting(FakeJournal.Followed::from).isEqualTo(Journal.Position.since(Instant.ofEpochSecond(100)));
        assertThat(source.describe()).isEqualTo("journald SYSLOG_IDENTIFIER=kernel");
    }

    @Test
    void aJournalThatCannotBeReadIsNoSourceWithTheAgentsWordsAndLeavesNoSubscription() {
        journal.unavailable("journalctl: not found on PATH; install systemd's journalctl in the agent's image", Duration.ofSeconds(1));

        assertThatThrownBy(() -> JournaldSource.follow(journal, Journal.Query.kernel(), Instant.EPOCH, WAIT, System.getLogger("test")))
                .isInstanceOf(IOException.class).hasMessage("journalctl: not found on PATH; install systemd's journalctl in the agent's image");
        assertThat(journal.open()).isEmpty();
    }

    @Test
    void aJournalThatDoesNotAnswerInTimeIsNoSource() {
        assertThatThrownBy(() -> JournaldSource.follow(journal, Journal.Query.kernel(), Instant.EPOCH, Duration.ofMillis(50), System.getLogger("test")))
                .hasMessage("the agent's journal did not say within 50 ms whether it can be read (journald _TRANSPORT=kernel)");
        assertThat(journal.open()).isEmpty();
    }

    /** A sink that records what it heard besides lines: the journal's state, and when it may publish. */
    private final List<String> said = new CopyOnWriteArrayList<>();
    private final LineSink recording = new LineSink() {
        @Override
        public void line(Instant timestamp, String message) {
            seen.add(timestamp.getEpochSecond() + " " + message);
        }

        @Override
        public void caughtUp() {
            said.add("caughtUp after " + seen.size());
        }

        @Override
        public void unusable(String reason, String why) {
            said.add("unusable " + reason + ": " + why);
        }

        @Override
        public void usable() {
            said.add("usable");
        }
    };

    private void runRecording() {
        thread = Thread.ofPlatform().name("journald-source-test").start(() -> {
            try {
                source.run(recording);
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    @Test
    void aJournalThatStopsBeingReadableIsToldToTheSinkAndTheSourceGoesOnWhereTheReaderResumes() throws Exception {
        journal.following();
        source = JournaldSource.follow(journal, Journal.Query.kernel(), Instant.EPOCH, WAIT, System.getLogger("test"));
        runRecording();
        journal.write(Instant.ofEpochSecond(100), "before", Map.of("_TRANSPORT", "kernel"));

        journal.unavailable("journalctl exited with status 1 before it read any entry: Failed to open journal", Duration.ofSeconds(2));
        journal.following();
        journal.write(Instant.ofEpochSecond(101), "after", Map.of("_TRANSPORT", "kernel"));

        awaitTrue("the line after", WAIT, () -> seen.size() == 2);
        journal.flush();
        assertThat(seen).containsExactly("100 before", "101 after");
        assertThat(said).containsExactly("caughtUp after 1", "unusable LogSourceUnavailable: journald _TRANSPORT=kernel cannot be read for now: journalctl exited"
                        + " with status 1 before it read any entry: Failed to open journal; the agent tries again in 2s and resumes after the last line read,"
                        + " so nothing is counted twice or lost",
                "usable", "caughtUp after 2");
        assertThat(failure.get()).as("the source goes on: ending it would restart the daemon, which reads its lookback again").isNull();
        assertThat(thread.isAlive()).isTrue();
        assertThat(journal.subscriptions()).hasSize(1);
    }

    @Test
    void aJournalThatWillNotBeTriedAgainEndsTheSourceWithTheAgentsWords() throws Exception {
        journal.following();
        source = JournaldSource.follow(journal, Journal.Query.kernel(), Instant.EPOCH, WAIT, System.getLogger("test"));
        run();

        journal.unavailable("the agent is stopping", Duration.ZERO);

        awaitTrue("failure", WAIT, () -> failure.get() != null);
        assertThat(failure.get()).isInstanceOf(IOException.class).hasMessage("the agent is stopping (journald _TRANSPORT=kernel)");
    }

    @Test
    void theSinkMayPublishWhenTheAgentSaysItCaughtUpNotAfterEveryEntry() throws Exception {
        AtomicReference<Journal.Subscriber> subscriber = new AtomicReference<>();
        Journal handMade = new Journal() {
            @Override
            public Subscription follow(Query query, Position from, Subscriber heard) {
                subscriber.set(heard);
                heard.following();
                return () -> {
                };
            }

            @Override
            public long read(Query query, Instant since, Instant until, Duration limit, java.util.function.Consumer<Entry> entries) {
                throw new UnsupportedOperationException("not read here");
            }
        };
        source = JournaldSource.follow(handMade, Journal.Query.kernel(), Instant.EPOCH, WAIT, System.getLogger("test"));
        runRecording();

        // As the agent's delivery does: a run of entries, then caughtUp once its queue is empty.
        for (int i = 1; i <= 3; i++) {
            subscriber.get().entry(Journal.Entry.of(Instant.ofEpochSecond(i), "line " + i));
        }
        subscriber.get().caughtUp();

        assertThat(seen).containsExactly("1 line 1", "2 line 2", "3 line 3");
        assertThat(said).containsExactly("caughtUp after 3");
    }

    @Test
    void closingEndsTheRunAndTheSubscription() throws Exception {
        journal.following();
        source = JournaldSource.follow(journal, Journal.Query.kernel(), Instant.EPOCH, WAIT, System.getLogger("test"));
        run();

        source.close();
        thread.join(WAIT);

        assertThat(thread.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(journal.open()).isEmpty();
    }
}
