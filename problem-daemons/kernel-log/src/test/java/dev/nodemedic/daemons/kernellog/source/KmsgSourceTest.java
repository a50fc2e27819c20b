package dev.nodemedic.daemons.kernellog.source;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KmsgSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final BootTime BOOT = new BootTime(Instant.parse("2026-11-23T10:00:00Z"));

    private final FakeKmsgDevice device = new FakeKmsgDevice();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Instant> times = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private KmsgSource source;
    private Thread thread;

    private void follow(Instant startTime) {
        source = new KmsgSource(device, "/dev/kmsg", BOOT, startTime, System.getLogger("test"));
        thread = Thread.ofPlatform().name("kmsg-source-test").start(() -> {
            try {
                source.run((timestamp, message) -> {
                    times.add(timestamp);
                    seen.add(message);
                });
            } catch (IOException | RuntimeException e) {
                failure.set(e);
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        source.close();
        thread.join(WAIT);
        assertThat(thread.isAlive()).as("reader ended after close").isFalse();
        assertThat(failure.get()).isNull();
    }

    @Test
    void aRecordBecomesOneLineAtBootTimePlusItsMicroseconds() throws Exception {
        follow(Instant.EPOCH);

        device.record("6,1001,5000000,-;EXT4-fs (sda1): Remounting filesystem read-only\n SUBSYSTEM=block\n DEVICE=b8:1\n");

        awaitTrue("one line", WAIT, () -> seen.size() == 1);
        assertThat(seen).containsExactly("EXT4-fs (sda1): Remounting filesystem read-only");
        assertThat(times).containsExactly(Instant.parse("2026-11-23T10:00:05Z"));
    }

    @Test
    void anOverrunIsCountedAndReadingGoesOn() throws Exception {
        follow(Instant.EPOCH);

        device.record("6,1,100,-;before\n");
        device.overrun();
        device.record("6,5,200,-;after the oldest left\n");

        awaitTrue("two lines", WAIT, () -> seen.size() == 2);
        assertThat(seen).containsExactly("before", "after the oldest left");
        assertThat(source.overruns()).isEqualTo(1);
        assertThat(source.missedRecords()).isEqualTo(3);
    }

    @Test
    void recordsBeforeTheStartTimeAndEmptyOnesAreDropped() throws Exception {
        follow(BOOT.at().plusSeconds(60));

        device.record("6,1,1000000,-;from before the lookback\n");
        device.record("6,2,61000000,-;   \n");
        device.record("4,3,62000000,-,caller=T1;  kept, trimmed as NPD does  \n");

        awaitTrue("the kept line", WAIT, () -> seen.size() == 1);
        assertThat(seen).containsExactly("kept, trimmed as NPD does");
    }

    @Test
    void closeEndsABlockedRead() throws Exception {
        follow(Instant.EPOCH);
        device.record("6,1,1,-;one\n");
        awaitTrue("one line", WAIT, () -> seen.size() == 1);
        awaitTrue("the reader waits in read for the next record", WAIT, () -> thread.getState() == Thread.State.WAITING);

        source.close();
        thread.join(WAIT);

        assertThat(thread.isAlive()).as("reader ended after close").isFalse();
        assertThat(failure.get()).as("a close is an end, not a failure").isNull();
    }
}
