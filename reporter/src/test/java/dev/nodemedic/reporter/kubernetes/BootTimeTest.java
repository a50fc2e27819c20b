package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootTimeTest {
    @TempDir
    Path dir;

    @Test
    void readsBtimeFromProcStat() throws IOException {
        Path stat = Files.writeString(dir.resolve("stat"), "cpu  1 2 3\nintr 5\nbtime 1767225600\nprocesses 9\n");
        assertThat(BootTime.fromProcStat(stat).instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void aFileWithoutBtimeIsAnErrorThatSaysWhy() throws IOException {
        Path stat = Files.writeString(dir.resolve("stat"), "cpu  1 2 3\n");
        assertThatThrownBy(() -> BootTime.fromProcStat(stat)).isInstanceOf(IOException.class).hasMessageContaining("has no btime line");
    }
}
