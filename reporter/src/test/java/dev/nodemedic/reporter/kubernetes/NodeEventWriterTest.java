package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.reporter.events.EventRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeEventWriterTest {
    @Test
    void aRepeatPatchesOnlyCountLastTimestampAndMessage() {
        var record = new EventRecord("node-a.1881e8c3f1a2b000", "kernel-monitor", "node-a", Severity.WARNING, "OOMKilling",
                "Killed process 42 (java)", 2, Instant.parse("2026-01-01T01:00:00Z"), Instant.parse("2026-01-01T01:00:30.5Z"));

        assertThat(NodeEventWriter.countPatch(record))
                .isEqualTo("{\"count\":2,\"lastTimestamp\":\"2026-01-01T01:00:30Z\",\"message\":\"Killed process 42 (java)\"}");
    }
}
