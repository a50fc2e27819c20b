package dev.nodemedic.core.journal;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Journal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's one journal reader against journalctl played by a script: real child processes. */
class HostJournalTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Entries are written at 1,795,000,000 s and on; the clock stands a little after. */
    private static final long T0 = 1_795_000_000_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_795_000_100), ZoneOffset.UTC);
    private static final Map<String, String> KERNEL = Map.of("_TRANSPORT", "kernel");
    private static final Map<String, String> KUBELET = Map.of("_SYSTEMD_UNIT", "kubelet.service");
    private static final Map<String, String> DOCKERD = Map.of("SYSLOG_IDENTIFIER", "dockerd");

    @TempDir
    Path dir;
    private FakeJournalctl journalctl;
    private HostJournal journal;

    private HostJournal journal(int queueEntries) throws IOException {
        journalctl = new FakeJournalctl(dir);
        journal = new HostJournal(new Journalctl(journalctl.path().toString()), CLOCK, Duration.ofMillis(10), Duration.ofMillis(100),
                Duration.ofSeconds(5), queueEntries);
        return journal;
    }

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private static Journal.Position fromStart() {
        return Journal.Position.since(Instant.EPOCH);
    }

    private long liveFollowers() {
        return journalctl.pids().stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).count();
    }

    @Test
    void twoDaemonsShareOneJournalctlAndEachGetsItsOwnEntriesOnce() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journalctl.write(T0, "kernel one", KERNEL);
        journalctl.write(T0 + 1, "kubelet one", KUBELET);
        Heard kernel = new Heard();
        Heard kubelet = new Heard();

        journal.follow(Journal.Query.kernel(), fromStart(), kernel);
        awaitTrue("the kernel's first entry", WAIT, () -> kernel.messages.size() == 1);
        journal.follow(Journal.Query.unit("kubelet"), fromStart(), kubelet);
        awaitTrue("the kubelet's first entry", WAIT, () -> kubelet.messages.size() == 1);
        journalctl.write(T0 + 2, "dockerd one", DOCKERD);
        journalctl.write(T0 + 3, "kernel two", KERNEL);
        journalctl.write(T0 + 4, "kubelet two", KUBELET);

        awaitTrue("both second entries", WAIT, () -> kernel.messages.size() == 2 && kubelet.messages.size() == 2);
        assertThat(kernel.messages).containsExactly("kernel one", "kernel two");
        assertThat(kubelet.messages).containsExactly("kubelet one", "kubelet two");
        awaitTrue("one journalctl left following", WAIT, () -> liveFollowers() == 1);
        String follower = journalctl.calls().getLast();
        assertThat(follower).contains("--output=json", "--follow",
                "_TRANSPORT=kernel + _SYSTEMD_UNIT=kubelet.service + UNIT=kubelet.service _PID=1 + OBJECT_SYSTEMD_UNIT=kubelet.service _PID=1");
        assertThat(kernel.threads).as("delivered on the agent's threads").allMatch(name -> name.equals("journal-subscriber"));
        assertThat(kernel.unavailable).isEmpty();
    }

    @Test
    void aSubscriberFromNowGetsOnlyWhatIsNewAndJoinsTheRunningJournalctl() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journalctl.write(T0, "old", KERNEL);
        Heard first = new Heard();
        journal.follow(Journal.Query.kernel(), fromStart(), first);
        awaitTrue("the old entry", WAIT, () -> first.messages.size() == 1);

        Heard late = new Heard();
        journal.follow(Journal.Query.kernel(), Journal.Position.fromNow(), late);
        journalctl.write(CLOCK.millis() * 1000 + 1, "new", KERNEL);

        awaitTrue("the new entry for both", WAIT, () -> first.messages.size() == 2 && late.messages.size() == 1);
        assertThat(late.messages).containsExactly("new");
        assertThat(late.following).hasValue(1);
        assertThat(journal.starts()).as("covered by the running journalctl: no restart").isEqualTo(1);
    }

    @Test
    void aSubscriberAskingForAFieldTheRunningJournalctlDoesNotPrintRestartsItAfterItsCursor() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journalctl.write(T0, "old", KERNEL);
        Heard first = new Heard();
        journal.follow(Journal.Query.kernel(), fromStart(), first);
        awaitTrue("the old entry", WAIT, () -> first.messages.size() == 1);

        Heard withPid = new Heard();
        journal.follow(Journal.Query.kernel().withFields("_PID"), Journal.Position.fromNow(), withPid);
        awaitTrue("journalctl started again", WAIT, () -> journal.starts() == 2 && liveFollowers() == 1);
        journalctl.write(CLOCK.millis() * 1000 + 1, "new", Map.of("_TRANSPORT", "kernel", "_PID", "42"));

        awaitTrue("the new entry for both", WAIT, () -> first.messages.size() == 2 && withPid.messages.size() == 1);
        assertThat(withPid.entries.getFirst().field("_PID")).as("the field it asked for, which the first journalctl did not print").contains("42");
        assertThat(first.entries.getLast().fields()).as("only what each asked for").isEmpty();
        List<String> follows = journalctl.calls().stream().filter(call -> call.contains("--follow")).toList();
        assertThat(follows.get(0)).contains("--output-fields=MESSAGE,_TRANSPORT ");
        assertThat(follows.get(1)).contains("--output-fields=MESSAGE,_PID,_TRANSPORT ", "--after-cursor=s=1");
        assertThat(first.messages).as("the first subscriber gets no entry twice").containsExactly("old", "new");
    }

    @Test
    void aDeadJournalctlIsStartedAgainAfterItsCursorAndNobodyHearsOfIt() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journalctl.steer("die", true);
        journalctl.write(T0, "one", KERNEL);
        journalctl.write(T0 + 1, "two", KERNEL);
        Heard heard = new Heard();

        journal.follow(Journal.Query.kernel(), fromStart(), heard);
        awaitTrue("journalctl started again", WAIT, () -> journal.starts() >= 2 && liveFollowers() == 1);
        journalctl.write(T0 + 2, "three", KERNEL);

        awaitTrue("three entries", WAIT, () -> heard.messages.size() == 3);
        assertThat(heard.messages).containsExactly("one", "two", "three");
        List<String> follows = journalctl.calls().stream().filter(call -> call.contains("--follow")).toList();
        assertThat(follows.get(0)).contains("--since=@0").doesNotContain("--after-cursor");
        assertThat(follows.get(1)).contains("--after-cursor=s=2").doesNotContain("--since");
        assertThat(heard.unavailable).isEmpty();
    }

    @Test
    void journalctlFailingBeforeAnyEntryIsUnavailableWithItsWordsUntilItReadsAgain() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journalctl.write(T0, "one", KERNEL);
        journalctl.steer("fail", true);
        Heard heard = new Heard();

        journal.follow(Journal.Query.kernel(), fromStart(), heard);
        awaitTrue("unavailable twice, backing off", WAIT, () -> heard.unavailable.size() >= 2);
        assertThat(heard.unavailable.getFirst()).isEqualTo(journalctl.path()
                + " exited with status 1 before it read any entry: Failed to open journal directory: No such file or directory (journal) | 10ms");
        assertThat(heard.unavailable.get(1)).endsWith("| 20ms");
        assertThat(heard.messages).isEmpty();

        journalctl.steer("fail", false);
        // Each start is "following" until it dies: what counts is that the entry comes once it reads again.
        awaitTrue("the entry", WAIT, () -> heard.messages.size() == 1);
        assertThat(heard.following.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aJournalWithoutAnEntryIsUnavailableNotSilentAndIsFollowedOnceItHasOne() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        Heard heard = new Heard();

        journal.follow(Journal.Query.kernel(), fromStart(), heard);
        awaitTrue("unavailable", WAIT, () -> !heard.unavailable.isEmpty());
        assertThat(heard.unavailable.getFirst()).startsWith(journalctl.path() + " found no journal entry (\"No journal files were found.\", exit status 0);"
                + " mount the host's journal (/var/log/journal, or /run/log/journal where it is volatile) and its /etc/machine-id into the pod");
        assertThat(journalctl.calls()).as("never followed an empty journal").noneMatch(call -> call.contains("--follow"));

        journalctl.write(T0, "first", KERNEL);
        awaitTrue("following, and the entry", WAIT, () -> heard.following.get() == 1 && heard.messages.size() == 1);
    }

    @Test
    void noJournalctlIsUnavailableSayingWhatToDo() {
        Path missing = dir.resolve("no-journalctl");
        journal = new HostJournal(new Journalctl(missing.toString()), CLOCK, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(5), 16);
        Heard heard = new Heard();

        journal.follow(Journal.Query.unit("kubelet.service"), Journal.Position.fromNow(), heard);

        try {
            awaitTrue("unavailable", WAIT, () -> !heard.unavailable.isEmpty());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(heard.unavailable.getFirst()).startsWith(missing + ": not there; install systemd's journalctl in the agent's image");
    }

    @Test
    void aSubscriberOfAClosedJournalHearsTheAgentIsStoppingOnAThreadThatThenEnds() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journal.follow(Journal.Query.kernel(), fromStart(), new Heard()); // the journal's reader, now closed with it
        journal.close();
        List<Thread> told = new CopyOnWriteArrayList<>();
        Heard late = new Heard() {
            @Override
            public void unavailable(String why, Duration retryIn) {
                super.unavailable(why, retryIn);
                told.add(Thread.currentThread());
            }
        };

        journal.follow(Journal.Query.kernel(), fromStart(), late);

        awaitTrue("the late subscriber told", WAIT, () -> !told.isEmpty());
        assertThat(late.unavailable).containsExactly("the agent is stopping | 0ms");
        // Not closed by its subscriber (one told the agent stops may never close it): its thread must end by itself.
        awaitTrue("the thread that told it to end", WAIT, () -> !told.getFirst().isAlive());
    }

    @Test
    void aJournalFirstFollowedAfterCloseStartsNoJournalctlAndItsSubscriberHearsTheAgentIsStopping() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journalctl.write(T0, "one", KERNEL);
        journal.close();
        Heard late = new Heard();

        journal.follow(Journal.Query.kernel(), fromStart(), late);

        awaitTrue("the late subscriber told", WAIT, () -> !late.unavailable.isEmpty());
        assertThat(late.unavailable).containsExactly("the agent is stopping | 0ms");
        assertThat(late.messages).isEmpty();
        assertThat(journal.starts()).as("journalctl followers started").isZero();
    }

    @Test
    void theLastUnsubscriptionEndsJournalctl() throws Exception {
        journal(Journal.QUEUE_ENTRIES);
        journalctl.write(T0, "one", KERNEL);
        Heard a = new Heard();
        Heard b = new Heard();
        Journal.Subscription first = journal.follow(Journal.Query.kernel(), fromStart(), a);
        Journal.Subscription second = journal.follow(Journal.Query.kernel(), fromStart(), b);
        awaitTrue("both read", WAIT, () -> a.messages.size() == 1 && b.messages.size() == 1 && liveFollowers() == 1);
        long pid = journalctl.pids().getLast();

        first.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("one subscriber left: journalctl goes on").contains(true);
        second.close();

        awaitTrue("journalctl (pid " + pid + ") to end", WAIT, () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void aSlowSubscriberMissesWhatDoesNotFitItsQueueAndHearsHowManyWhileTheOtherGetsAll() throws Exception {
        journal(4);
        CountDownLatch release = new CountDownLatch(1);
        Heard slow = new Heard() {
            @Override
            public void entry(Journal.Entry entry) {
                super.entry(entry);
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Heard fast = new Heard();
        journalctl.write(T0, "entry 0", KERNEL);
        journal.follow(Journal.Query.kernel(), fromStart(), slow);
        journal.follow(Journal.Query.kernel(), fromStart(), fast);
        awaitTrue("the slow one holds its first entry", WAIT, () -> slow.messages.size() == 1 && fast.messages.size() == 1);

        for (int i = 1; i <= 20; i++) {
            journalctl.write(T0 + i, "entry " + i, KERNEL);
            int written = i + 1;
            // One at a time: a burst of 20 would overflow a queue of 4 of a fast subscriber too.
            awaitTrue("the fast one has entry " + i, WAIT, () -> fast.messages.size() == written);
        }
        release.countDown();

        awaitTrue("the slow one caught up", WAIT, () -> slow.messages.size() + slow.missed.get() == 21);
        assertThat(slow.messages).hasSize(5).startsWith("entry 0", "entry 1", "entry 2", "entry 3", "entry 4");
        assertThat(slow.missed).hasValue(16);
    }
}
