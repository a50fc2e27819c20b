package dev.nodemedic.reporter.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.Severity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogExporterTest {
    private final ManualClock clock = new ManualClock();
    private final LogExporter exporter = new LogExporter("node-a", clock);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(LogExporter.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(new java.util.logging.SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    private Event oom(int pid) {
        return new Event("kernel-monitor", Severity.WARNING, "OOMKilling", "Killed process " + pid + " (java)", clock.instant());
    }

    @Test
    void aStormOfOneEventIsOneLinePerQuietWindowWithTheCountNotLogged() {
        for (int i = 0; i < 100; i++) {
            exporter.eventEmitted("kernel-log", oom(i));
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("event node=node-a daemon=kernel-log source=kernel-monitor type=Warning reason=OOMKilling");

        clock.advance(Duration.ofSeconds(10));
        exporter.eventEmitted("kernel-log", oom(100));

        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo("event repeated node=node-a daemon=kernel-log source=kernel-monitor reason=OOMKilling notLogged=99 window=10s");
        assertThat(lines.get(2)).contains("Killed process 100 (java)");
    }

    @Test
    void differentReasonsAreLoggedEachTheirFirstTime() {
        exporter.eventEmitted("kernel-log", oom(1));
        exporter.eventEmitted("kernel-log", new Event("kernel-monitor", Severity.WARNING, "TaskHung", "task blocked", clock.instant()));
        assertThat(lines).hasSize(2);
    }
}
