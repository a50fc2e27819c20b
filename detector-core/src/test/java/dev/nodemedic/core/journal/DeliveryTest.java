package dev.nodemedic.core.journal;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.logsources.JournalLine;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** One subscription's queue and thread: what its subscriber hears, and when. */
class DeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static JournalLine line(int n) {
        return JournalLine.parse("{\"__CURSOR\":\"s=" + n + "\",\"__REALTIME_TIMESTAMP\":\"" + n + "\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"entry " + n + "\"}",
                Set.of("_TRANSPORT"));
    }

    @Test
    void caughtUpIsSaidOnceAfterARunOfQueuedEntriesNotAfterEach() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        Journal.Subscriber subscriber = new Journal.Subscriber() {
            @Override
            public void entry(Journal.Entry entry) {
                heard.add(entry.message());
            }

            @Override
            public void unavailable(String why, Duration retryIn) {
                heard.add("unavailable");
            }

            @Override
            public void caughtUp() {
                heard.add("caughtUp");
            }
        };
        Delivery delivery = new Delivery(Journal.Query.kernel(), 0, subscriber, 16, () -> { });
        for (int n = 1; n <= 3; n++) {
            delivery.offer(line(n));
        }

        delivery.start("journal-subscriber");
        awaitTrue("the run of three", WAIT, () -> heard.size() == 4);
        delivery.offer(line(4));
        awaitTrue("the fourth", WAIT, () -> heard.size() == 6);
        delivery.close();

        assertThat(heard).containsExactly("entry 1", "entry 2", "entry 3", "caughtUp", "entry 4", "caughtUp");
    }
}
