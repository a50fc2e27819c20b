package dev.nodemedic.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The test double itself: daemons' tests rely on it hearing each entry once, as the agent's reader does. */
class FakeJournalTest {
    private static final Map<String, String> KUBELET = Map.of("_SYSTEMD_UNIT", "kubelet.service");

    @Test
    void aSubscriptionMadeWhileEntriesAreWrittenHearsEachOnceInOrder() throws Exception {
        ManualClock clock = new ManualClock();
        FakeJournal journal = new FakeJournal(clock);
        journal.following();
        int entries = 4000;
        // A daemon subscribes on its own thread while its test writes: here many times over, so a
        // write that lands between registering a newcomer and replaying to it is all but certain.
        Thread writer = Thread.ofPlatform().name("fake-journal-test-writer").start(() -> IntStream.range(0, entries)
                .forEach(i -> journal.write(clock.instant(), Integer.toString(i), KUBELET)));
        List<List<String>> heard = new ArrayList<>();
        while (writer.isAlive()) {
            List<String> one = new CopyOnWriteArrayList<>();
            heard.add(one);
            journal.follow(Journal.Query.unit("kubelet"), Journal.Position.fromNow(), new Journal.Subscriber() {
                @Override
                public void entry(Journal.Entry entry) {
                    one.add(entry.message());
                }

                @Override
                public void unavailable(String why, Duration retryIn) {
                }
            });
        }
        writer.join();
        journal.flush();
        journal.open().forEach(Journal.Subscription::close);

        // The clock stood still, so every entry is at or after each subscription's now: all of them, once each.
        List<String> all = IntStream.range(0, entries).mapToObj(Integer::toString).toList();
        assertThat(heard).isNotEmpty().allSatisfy(one -> assertThat(one).doesNotHaveDuplicates().isEqualTo(all));
    }
}
