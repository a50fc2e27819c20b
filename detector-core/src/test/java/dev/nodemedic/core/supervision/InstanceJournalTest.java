package dev.nodemedic.core.supervision;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.FakeJournal;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The journal as one start of a daemon instance sees it. */
class InstanceJournalTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final FakeJournal host = new FakeJournal(new ManualClock());
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong missed = new AtomicLong();
    private final InstanceJournal journal = new InstanceJournal(host, failures::add, () -> missed::addAndGet);

    private static Journal.Subscriber subscriber(List<String> heard) {
        return new Journal.Subscriber() {
            @Override
            public void entry(Journal.Entry entry) {
                if (entry.message().equals("boom")) {
                    throw new IllegalStateException("the daemon could not take " + entry.message());
                }
                heard.add(entry.message());
            }

            @Override
            public void unavailable(String why, Duration retryIn) {
            }
        };
    }

    @Test
    void whatAStartSubscribedIsClosedWithItEvenIfTheDaemonForgot() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        journal.follow(Journal.Query.kernel(), Journal.Position.since(Instant.EPOCH), subscriber(heard));
        host.write(Instant.EPOCH, "one", Map.of("_TRANSPORT", "kernel"));
        host.flush();

        journal.close();
        host.write(Instant.EPOCH, "two", Map.of("_TRANSPORT", "kernel"));
        host.flush();

        assertThat(heard).containsExactly("one");
        assertThat(host.open()).isEmpty();
        assertThat(journal.follow(Journal.Query.kernel(), Journal.Position.fromNow(), subscriber(heard))).as("a late subscription of a closed start").isNotNull();
        assertThat(host.subscriptions()).hasSize(1);
    }

    @Test
    void aSubscriberThatThrowsFailsItsInstanceAndEndsItsSubscription() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        journal.follow(Journal.Query.kernel(), Journal.Position.since(Instant.EPOCH), subscriber(heard));

        host.write(Instant.EPOCH, "boom", Map.of("_TRANSPORT", "kernel"));
        host.flush();

        awaitTrue("the failure", WAIT, () -> failures.size() == 1);
        assertThat(failures.getFirst()).hasMessage("the daemon could not take boom");
        assertThat(host.open()).isEmpty();
    }

    @Test
    void missedEntriesAreCountedForTheInstance() throws Exception {
        journal.follow(Journal.Query.kernel(), Journal.Position.fromNow(), subscriber(new CopyOnWriteArrayList<>()));

        host.missed(7);
        host.flush();

        assertThat(missed).hasValue(7);
    }
}
