package dev.nodemedic.reporter.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * When the node last booted. Conditions that went True before it are from an earlier boot and are not
 * adopted. The kernel's {@code btime} in {@code /proc/stat} is host-wide, so it reads the same from
 * inside the agent's container.
 */
public record BootTime(Instant instant) {
    public BootTime {
        Objects.requireNonNull(instant, "instant");
    }

    /** Reads {@code btime} from a {@code /proc/stat} file. */
    public static BootTime fromProcStat(Path procStat) throws IOException {
        try (var lines = Files.lines(procStat)) {
            return lines.filter(line -> line.startsWith("btime "))
                    .findFirst()
                    .map(line -> new BootTime(Instant.ofEpochSecond(Long.parseLong(line.substring("btime ".length()).trim()))))
                    .orElseThrow(() -> new IOException(procStat + " has no btime line; cannot tell whether conditions on the node are from this boot"));
        } catch (NumberFormatException e) {
            throw new IOException(procStat + " has a btime line that is not a number of seconds: " + e.getMessage(), e);
        }
    }
}
