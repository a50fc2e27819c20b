package dev.nodemedic.daemons.kernellog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class RulesCommandTest {
    @TempDir
    Path dir;

    private final FakeCommandContext context = new FakeCommandContext(new ManualClock());
    private final RulesCommand command = new RulesCommand();
    private Path config;

    @BeforeEach
    void config() throws IOException {
        config = dir.resolve("kernel-monitor.json");
        try (var in = RulesCommand.class.getResourceAsStream("/config/kernel-monitor-filelog.json")) {
            Files.write(config, in.readAllBytes());
        }
    }

    private Path kernLog(String... messages) throws IOException {
        Path log = dir.resolve("kern.log");
        StringBuilder text = new StringBuilder();
        for (String m : messages) {
            text.append("Nov 23 12:00:01 node-1 kernel: [ 3600.123456] ").append(m).append('\n');
        }
        Files.writeString(log, text);
        return log;
    }

    @Test
    void printsPerRuleMatchesAndLineNumbers() throws Exception {
        Path log = kernLog("chatter", "INFO: task docker:42 blocked for more than 120 seconds.", "more chatter",
                "Buffer I/O error on dev sdb1, logical block 0, async page read", "INFO: task java:7 blocked for more than 120 seconds.");

        int exit = command.run(context, List.of("test", "--config", config.toString(), "--log", log.toString()));

        assertThat(exit).isZero();
        String out = context.printed();
        assertThat(out).contains("(kern, bufferSize 10)");
        assertThat(out).containsPattern("1  TaskHung\\s+temporary\\s+-\\s+2\\s+2\\s+5");
        assertThat(out).containsPattern("10  DockerHung\\s+permanent\\s+KernelDeadlock\\s+1\\s+2\\s+2");
        assertThat(out).containsPattern("7  IOError\\s+temporary\\s+-\\s+1\\s+4\\s+4");
        assertThat(out).containsPattern("0  OOMKilling\\s+temporary\\s+-\\s+0\\s+-\\s+-");
        assertThat(out).contains("5 lines read, 0 skipped", "4 matches", "lines/s");
    }

    /** As in the daemon, a line the skipList names never reaches the rules; it is counted as skipped, and the lines after it keep their numbers. */
    @Test
    void skipListedLinesAreCountedAsSkippedAndNeverMatch() throws Exception {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode skipping = (ObjectNode) mapper.readTree(config.toFile());
        skipping.putArray("skipList").add("docker:42");
        Files.writeString(config, mapper.writeValueAsString(skipping));
        Path log = kernLog("INFO: task docker:42 blocked for more than 120 seconds.", "chatter", "INFO: task java:7 blocked for more than 120 seconds.");

        assertThat(command.run(context, List.of("test", "--config", config.toString(), "--log", log.toString()))).as(context::errors).isZero();

        String out = context.printed();
        assertThat(out).containsPattern("1  TaskHung\\s+temporary\\s+-\\s+1\\s+3\\s+3");
        assertThat(out).containsPattern("10  DockerHung\\s+permanent\\s+KernelDeadlock\\s+0\\s+-\\s+-");
        assertThat(out).contains("3 lines read, 1 skipped", "1 matches");
    }

    /**
     * The replay splits the log as the agent's file source does, at newlines only (NPD's filelog too): a
     * CR before the newline is dropped, one inside a line is part of it; and a line of malformed UTF-8
     * is read as the agent reads it.
     */
    @Test
    void readsTheLogAsTheAgentsFileSourceDoes() throws Exception {
        Path log = dir.resolve("kern.log");
        String prefix = "Nov 23 12:00:01 node-1 kernel: [ 3600.123456] ";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.writeBytes((prefix + "INFO: task docker:42 blocked for more than 120 seconds.\r\n").getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes((prefix + "chatter\rINFO: task java:7 blocked for more than 120 seconds.\n").getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(new byte[] {(byte) 0xff, ' '});
        bytes.writeBytes("Buffer I/O error on dev sdb1, logical block 0, async page read".getBytes(StandardCharsets.UTF_8));
        Files.write(log, bytes.toByteArray());

        command.run(context, List.of("test", "--config", config.toString(), "--log", log.toString()));

        String out = context.printed();
        // The CR inside the second line keeps it one line, whose message the TaskHung pattern matches at its end.
        assertThat(out).containsPattern("1  TaskHung\\s+temporary\\s+-\\s+2\\s+1\\s+2");
        assertThat(out).containsPattern("10  DockerHung\\s+permanent\\s+KernelDeadlock\\s+1\\s+1\\s+1");
        assertThat(out).containsPattern("7  IOError\\s+temporary\\s+-\\s+1\\s+3\\s+3");
        assertThat(out).contains("3 lines read, 0 skipped");
    }

    @Test
    void explainSaysWhichRuleTookALineAndWhy() throws Exception {
        Path log = kernLog("EXT4-fs (sda1): Remounting filesystem read-only");

        command.run(context, List.of("test", "--config", config.toString(), "--log", log.toString(), "--explain"));

        assertThat(context.printed()).contains(
                "line 1: rules[11] FilesystemIsReadOnly (permanent → ReadonlyFilesystem)",
                "    | EXT4-fs (sda1): Remounting filesystem read-only",
                "why: the line contains \"Remounting filesystem read-only\", and /Remounting filesystem read-only/ matches at the end of the line");
    }

    @Test
    void jsonIsOneObjectWithEveryRule() throws Exception {
        Path log = kernLog("Buffer I/O error on dev sdb1, logical block 0, async page read");

        command.run(context, List.of("test", "--config", config.toString(), "--log", log.toString(), "--json"));

        assertThat(context.printed().strip())
                .startsWith("{\"config\":")
                .contains("{\"index\":7,\"reason\":\"IOError\",\"type\":\"temporary\",\"condition\":null,\"matches\":1,\"firstLine\":1,\"lastLine\":1}")
                .contains("\"linesRead\":1,\"linesSkipped\":0,\"matches\":1");
    }

    /**
     * The whole line, byte for byte as the hand-written JSON printed it before the agent wrote it: keys in
     * this order, {@code null} for no condition and no lines, {@code seconds} a number with three decimals.
     */
    @Test
    void jsonKeepsItsKeysNullsAndThreeDecimalSeconds() throws Exception {
        FakeCommandContext timed = new FakeCommandContext(movedOnAfterFirstReading(Duration.ofNanos(1_234_500_000)));
        Path log = kernLog("chatter", "INFO: task docker:42 blocked for more than 120 seconds.");

        assertThat(command.run(timed, List.of("test", "--config", config.toString(), "--log", log.toString(), "--json"))).isZero();

        String rules = "{\"index\":0,\"reason\":\"OOMKilling\",\"type\":\"temporary\",\"condition\":null,\"matches\":0,\"firstLine\":null,\"lastLine\":null},"
                + "{\"index\":1,\"reason\":\"TaskHung\",\"type\":\"temporary\",\"condition\":null,\"matches\":1,\"firstLine\":2,\"lastLine\":2},";
        String docker = "{\"index\":10,\"reason\":\"DockerHung\",\"type\":\"permanent\",\"condition\":\"KernelDeadlock\",\"matches\":1,\"firstLine\":2,\"lastLine\":2}";
        assertThat(timed.printed()).startsWith("{\"config\":\"" + config + "\",\"log\":\"" + log + "\",\"format\":\"kern\",\"bufferSize\":10,\"rules\":[" + rules)
                .contains(docker)
                .endsWith("}],\"linesRead\":2,\"linesSkipped\":0,\"matches\":2,\"seconds\":1.235,\"linesPerSecond\":2}" + System.lineSeparator());
        assertThat(timed.printed().lines()).hasSize(1);
    }

    /**
     * Whatever a reason (one word: no whitespace, anything else) or a path holds, {@code --json} is one line
     * of JSON that reads back to the same text.
     */
    @Test
    void jsonEscapesWhatAReasonOrPathHolds() throws Exception {
        String reason = "Odd\"Reason\\with\u0001\u001b[31m\u007f-ünïcødé-✓-😀";
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode odd = (ObjectNode) mapper.readTree(config.toFile());
        odd.putArray("rules").addObject().put("type", "temporary").put("reason", reason).put("pattern", "Buffer I/O error .*");
        Path folder = Files.createDirectories(dir.resolve("a \"quoted\" \\ back\tslash\nnewline\u0002\u2028-é-日本"));
        Path oddConfig = folder.resolve("kernel-monitor \"ünïcødé\".json");
        Files.writeString(oddConfig, mapper.writeValueAsString(odd));
        Path log = kernLog("Buffer I/O error on dev sdb1");

        assertThat(command.run(context, List.of("test", "--config", oddConfig.toString(), "--log", log.toString(), "--json"))).as(context::errors).isZero();

        String printed = context.printed();
        assertThat(printed.lines()).hasSize(1);
        JsonNode read = mapper.readTree(printed);
        assertThat(read.get("config").asString()).isEqualTo(oddConfig.toString());
        assertThat(read.get("rules").get(0).get("reason").asString()).isEqualTo(reason);
        assertThat(read.get("rules").get(0).get("matches").asLong()).isOne();
        assertThat(read.get("log").asString()).isEqualTo(log.toString());
    }

    /** A clock that reads {@code start} once and {@code start + step} after, so a replay takes exactly {@code step}. */
    private static Clock movedOnAfterFirstReading(Duration step) {
        ManualClock clock = new ManualClock();
        return new Clock() {
            private boolean read;

            @Override
            public Instant instant() {
                Instant now = clock.instant();
                if (!read) {
                    read = true;
                    clock.advance(step);
                }
                return now;
            }

            @Override
            public ZoneId getZone() {
                return clock.getZone();
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void kmsgAndJournalLogsAreRecognised() throws Exception {
        Path kmsg = dir.resolve("kmsg.records");
        Files.writeString(kmsg, "6,1,100,-;chatter\n3,2,200,-;EXT4-fs error (device sda1): bad\n");
        Path journal = dir.resolve("journal.json");
        Files.writeString(journal, "{\"MESSAGE\":\"EXT4-fs error (device sda1): bad\",\"__REALTIME_TIMESTAMP\":\"1\"}\n");
        Path plain = dir.resolve("plain.json");
        Files.writeString(plain, "{}");

        command.run(context, List.of("test", "--config", plain.toString(), "--log", kmsg.toString()));
        command.run(context, List.of("test", "--config", plain.toString(), "--log", journal.toString()));

        assertThat(context.printed()).contains("(kmsg, bufferSize 10)", "(journal, bufferSize 10)");
        assertThat(context.printed()).containsPattern("5  Ext4Error\\s+temporary\\s+-\\s+1\\s+2\\s+2");
        assertThat(context.printed()).containsPattern("5  Ext4Error\\s+temporary\\s+-\\s+1\\s+1\\s+1");
    }

    @Test
    void aSavedJournalIsReadAsTheAgentsJournalReaderReadsIt() throws Exception {
        StringBuilder bytes = new StringBuilder();
        for (byte b : "EXT4-fs error (device sda1): bad".getBytes(StandardCharsets.UTF_8)) {
            bytes.append(bytes.isEmpty() ? "[" : ",").append(b);
        }
        Path journal = dir.resolve("journal.json");
        Files.writeString(journal, "{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":" + bytes + "]}\n"
                + "{\"__REALTIME_TIMESTAMP\":\"2\",\"MESSAGE\":[\"EXT4-fs error (device sda2): bad\",\"again\"]}\n"
                + "{\"__REALTIME_TIMESTAMP\":\"3\",\"MESSAGE\":\"EXT4-fs error (device sda3): bad\"\n");
        Path plain = dir.resolve("plain.json");
        Files.writeString(plain, "{}");

        command.run(context, List.of("test", "--config", plain.toString(), "--log", journal.toString(), "--format", "journal"));

        // a binary and a repeated MESSAGE match; the cut-off third line is skipped, not a match
        assertThat(context.printed()).containsPattern("5  Ext4Error\\s+temporary\\s+-\\s+2\\s+1\\s+2");
        assertThat(context.printed()).contains("3 lines read, 1 skipped");
    }

    @Test
    void aConfigErrorExitsTwoWithFileLineAndField() throws Exception {
        Files.writeString(config, """
                {
                  "rules": [
                    {"type": "temporary", "reason": "Bad", "pattern": "unclosed ("}
                  ]
                }
                """);

        int exit = command.run(context, List.of("test", "--config", config.toString(), "--log", kernLog("x").toString()));

        assertThat(exit).isEqualTo(2);
        assertThat(context.errors()).contains(config + ":3:").contains("rules[0].pattern: \"unclosed (\" is not a valid RE2 regular expression");
    }

    @Test
    void badUsageExitsTwoWithTheUsage() throws Exception {
        assertThat(command.run(context, List.of("test", "--log", "x"))).isEqualTo(2);
        assertThat(command.run(context, List.of("check"))).isEqualTo(2);
        assertThat(command.run(context, List.of("test", "--config", "c", "--log", "l", "--format", "xml"))).isEqualTo(2);

        assertThat(context.errors()).contains("--config and --log are required", "the only sub-command is \"test\"", "expected kern, kmsg or journal", "usage: nodemedic rules test");
    }
}
