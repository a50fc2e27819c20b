package dev.nodemedic.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JournalTest {

    @Test
    void aUnitIsItsProcessesLinesAndWhatSystemdSaidAboutItAsJournalctlUnitSelects() {
        Journal.Query unit = Journal.Query.unit("kubelet");

        assertThat(unit.matches(Map.of("_SYSTEMD_UNIT", "kubelet.service", "MESSAGE", "x"))).isTrue();
        assertThat(unit.matches(Map.of("_PID", "1", "UNIT", "kubelet.service"))).isTrue();
        assertThat(unit.matches(Map.of("_PID", "812", "UNIT", "kubelet.service"))).as("only systemd speaks about a unit with UNIT=").isFalse();
        assertThat(unit.matches(Map.of("_SYSTEMD_UNIT", "containerd.service"))).isFalse();
        assertThat(unit.toString()).isEqualTo("_SYSTEMD_UNIT=kubelet.service + UNIT=kubelet.service _PID=1 + OBJECT_SYSTEMD_UNIT=kubelet.service _PID=1");
    }

    @Test
    void queriesJoinedWithOrMatchEitherAndKeepTheirDirectoryAndFields() {
        Journal.Query both = Journal.Query.kernel().or(Journal.Query.identifier("dockerd").withFields("_PID")).in(Path.of("/var/log/journal"));

        assertThat(both.matches(Map.of("_TRANSPORT", "kernel"))).isTrue();
        assertThat(both.matches(Map.of("SYSLOG_IDENTIFIER", "dockerd"))).isTrue();
        assertThat(both.matches(Map.of("SYSLOG_IDENTIFIER", "containerd"))).isFalse();
        assertThat(both.directory()).contains(Path.of("/var/log/journal"));
        assertThat(both.fields()).containsExactly("_PID");
    }

    @Test
    void aFieldNameJournaldWouldRefuseIsRefusedHere() {
        assertThatThrownBy(() -> Journal.Query.field("syslog_identifier", "kernel")).hasMessageContaining("is not a journal field name");
        assertThatThrownBy(() -> new Journal.Query(List.of(), null, null)).hasMessageContaining("at least one match");
    }

    @Test
    void aContextThatSharesNoJournalSaysSoToEverySubscriberAndRead() throws Exception {
        CompletableFuture<String> why = new CompletableFuture<>();
        try (RecordingDaemonContext<NoConfig> context = new RecordingDaemonContext<>("d", new NoConfig(), null, Clock.systemUTC(), List.of())) {
            context.journal().follow(Journal.Query.kernel(), Journal.Position.fromNow(), new Journal.Subscriber() {
                @Override
                public void entry(Journal.Entry entry) {
                }

                @Override
                public void unavailable(String reason, Duration retryIn) {
                    why.complete(reason);
                }
            });
            assertThat(why.get(10, TimeUnit.SECONDS)).startsWith("this agent shares no systemd journal");
            assertThatThrownBy(() -> context.journal().read(Journal.Query.kernel(), Instant.EPOCH, Instant.EPOCH, Duration.ofSeconds(1), e -> { }))
                    .isInstanceOf(IOException.class);
        }
    }
}
