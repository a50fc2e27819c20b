package dev.nodemedic.daemons.kernellog;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.FakeJournal;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon end to end on a real syslog file, through the context the agent gives it. */
class KernelLogDaemonTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final ConfigBinder binder = new ConfigBinder();
    private Path kernLog;
    private Host host;
    /** The agent's journal reader as this test plays it; by default it answers as on a node without journalctl. */
    private final FakeJournal journal = new FakeJournal(clock);
    private KernelLogDaemon daemon;
    private RecordingDaemonContext<KernelLogConfig> context;

    @BeforeEach
    void host() throws IOException {
        kernLog = dir.resolve("kern.log");
        Files.writeString(dir.resolve("uptime"), "3600.25 7000.00\n");
        host = host(dir.resolve("no-kmsg"), List.of(dir.resolve("no-kern.log"), kernLog));
        journal.unavailable(dir.resolve("no-journalctl") + ": not found on PATH", Duration.ofSeconds(1));
    }

    /** This test's host: its files, and waits short enough for a test. */
    private Host host(Path kmsg, List<Path> syslogFiles) {
        return new Host(kmsg, syslogFiles, dir.resolve("uptime"), ZoneOffset.UTC, Duration.ofMillis(50), Duration.ofSeconds(5), RETRY);
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(context.config().reasons())).as("reported but not declared").isEmpty();
            context.close();
            assertThat(context.failures()).isEmpty();
        }
    }

    private void start(String configJson) throws Exception {
        KernelLogConfig config = binder.bind("kernel-monitor.json", configJson, KernelLogConfig.class);
        daemon = new KernelLogDaemon(host);
        context = new RecordingDaemonContext<>(daemon, config, clock).withJournal(journal);
        daemon.start(context);
    }

    private void append(String stamp, String message) throws IOException {
        Files.writeString(kernLog, stamp + " node-1 kernel: [ 3600.123456] " + message + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void withNoConfigItWatchesTheSyslogFileWhenKmsgCannotBeRead() throws Exception {
        Files.writeString(kernLog, "");
        start("{}");

        append("Nov 23 12:00:01", "Out of memory: Killed process 4242 (java) total-vm:1024kB, anon-rss:512kB, file-rss:0kB, shmem-rss:0kB");

        awaitTrue("an OOMKilling event", WAIT, () -> !context.events().isEmpty());
        Event event = context.events().getFirst();
        assertThat(event.source()).isEqualTo("kernel-monitor");
        assertThat(event.severity()).isEqualTo(Severity.WARNING);
        assertThat(event.reason()).isEqualTo("OOMKilling");
        assertThat(event.message()).startsWith("Out of memory: Killed process 4242 (java)");
        assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-11-23T12:00:01Z"));
    }

    @Test
    void aPermanentRuleSetsItsConditionWithTheMatchedLine() throws Exception {
        Files.writeString(kernLog, "");
        start("{}");

        append("Nov 23 12:00:02", "INFO: task docker:1234 blocked for more than 120 seconds.");

        awaitTrue("KernelDeadlock True", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.TRUE);
        assertThat(context.condition("KernelDeadlock").reason()).isEqualTo("DockerHung");
        assertThat(context.condition("KernelDeadlock").message()).isEqualTo("INFO: task docker:1234 blocked for more than 120 seconds.");
        // The temporary rule's Event, and NPD's condition-change Event for the permanent one.
        awaitTrue("two events", WAIT, () -> context.events().size() == 2);
        assertThat(context.events()).extracting(Event::reason).containsExactlyInAnyOrder("TaskHung", "DockerHung");
        assertThat(context.condition("ReadonlyFilesystem").status()).isEqualTo(ConditionStatus.FALSE);
        // Lines read are published once the block they came in is handed on, just after its matches.
        awaitTrue("one line counted", WAIT, () -> context.counted("kernel_log_lines_read", Map.of("source", "file")) == 1);
        assertThat(context.counted("kernel_log_rule_matches", Map.of("source", "file"))).isEqualTo(2);
        // Each with the help an operator reads on the agent's /metrics (its # HELP line).
        for (String metric : List.of("kernel_log_lines_read", "kernel_log_rule_matches", "kernel_log_lines_unparsed", SOURCE_UP)) {
            assertThat(context.help(metric)).as(metric).hasValueSatisfying(help -> assertThat(help).isNotBlank().doesNotContain("\n"));
        }
    }

    @Test
    void everyLineOfAFileReadInBlocksIsCountedOnceItIsRead() throws Exception {
        int lines = 20_000; // several 64 KiB blocks, and more than the 4,096 lines counted at the most between two adds
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            log.append("Nov 23 12:00:01 node-1 kernel: [ 3600.123456] eth0: link up, line ").append(i).append('\n');
        }
        Files.writeString(kernLog, log);
        start("""
                {"plugin": "filelog", "logPath": "%s", "lookback": "5m",
                 "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: \\\\[.*\\\\] (.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [], "rules": []}
                """.formatted(kernLog));

        awaitTrue("every line counted", WAIT, () -> context.counted("kernel_log_lines_read", Map.of("source", "file")) == lines);
    }

    @Test
    void theConditionChangeEventComesOncePerReasonAndAgainWhenItRecovers() throws Exception {
        Files.writeString(kernLog, "");
        start(RECOVERING.formatted(kernLog));
        append("Nov 23 12:00:01", "EXT4-fs (sda1): Remounting filesystem read-only");
        append("Nov 23 12:00:02", "EXT4-fs (sda2): Remounting filesystem read-only");
        awaitTrue("the second match", WAIT, () -> context.condition("ReadonlyFilesystem").message().contains("sda2"));

        append("Nov 23 12:00:09", "EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro");
        awaitTrue("ReadonlyFilesystem False", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.FALSE);

        assertThat(context.events()).extracting(Event::reason, Event::severity)
                .containsExactly(tuple("FilesystemIsReadOnly", Severity.WARNING), tuple("FilesystemIsNotReadOnly", Severity.INFO));
        assertThat(context.events()).extracting(Event::source).containsOnly("kernel-monitor");
    }

    @Test
    void problemsOlderThanTheLookbackDoNotRaiseConditionsAgain() throws Exception {
        append("Nov 23 11:50:00", "EXT4-fs (sda1): Remounting filesystem read-only");
        append("Nov 23 11:58:00", "Buffer I/O error on device sdb1, logical block 42");
        start("""
                {"plugin": "filelog", "logPath": "%s", "lookback": "5m",
                 "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: \\\\[\\\\s*[\\\\d.]+\\\\] (.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [{"type": "ReadonlyFilesystem", "reason": "FilesystemIsNotReadOnly", "message": "Filesystem is not read-only"}],
                 "rules": [
                   {"type": "permanent", "condition": "ReadonlyFilesystem", "reason": "FilesystemIsReadOnly", "pattern": "Remounting filesystem read-only"},
                   {"type": "temporary", "reason": "IOError", "pattern": "Buffer I/O error .*"}
                 ]}
                """.formatted(kernLog));

        awaitTrue("the recent IOError", WAIT, () -> !context.events().isEmpty());
        assertThat(context.condition("ReadonlyFilesystem").status()).isEqualTo(ConditionStatus.FALSE);
    }

    private static final String RECOVERING = """
            {"plugin": "filelog", "logPath": "%s",
             "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: \\\\[\\\\s*[\\\\d.]+\\\\] (.*)", "timestampFormat": "Jan _2 15:04:05"},
             "conditions": [{"type": "ReadonlyFilesystem", "reason": "FilesystemIsNotReadOnly", "message": "Filesystem is not read-only"}],
             "rules": [
               {"type": "permanent", "condition": "ReadonlyFilesystem", "reason": "FilesystemIsReadOnly", "pattern": "Remounting filesystem read-only",
                "recoverPattern": "EXT4-fs \\\\(\\\\w+\\\\): re-mounted\\\\..*", "clearAfter": "30m"}
             ]}
            """;

    @Test
    void aRecoverPatternPutsTheConditionBackToHealthy() throws Exception {
        Files.writeString(kernLog, "");
        start(RECOVERING.formatted(kernLog));
        append("Nov 23 12:00:01", "EXT4-fs (sda1): Remounting filesystem read-only");
        awaitTrue("ReadonlyFilesystem True", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.TRUE);

        append("Nov 23 12:00:09", "EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro");

        awaitTrue("ReadonlyFilesystem False", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.FALSE);
        assertThat(context.condition("ReadonlyFilesystem").reason()).isEqualTo("FilesystemIsNotReadOnly");
        assertThat(context.condition("ReadonlyFilesystem").message()).isEqualTo("Filesystem is not read-only");
    }

    @Test
    void clearAfterPutsAQuietConditionBackToHealthy() throws Exception {
        Files.writeString(kernLog, "");
        start(RECOVERING.formatted(kernLog));
        append("Nov 23 12:00:01", "EXT4-fs (sda1): Remounting filesystem read-only");
        awaitTrue("ReadonlyFilesystem True", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.TRUE);

        daemon.clearExpired(clock.instant().plus(Duration.ofMinutes(29)));
        assertThat(context.condition("ReadonlyFilesystem").status()).isEqualTo(ConditionStatus.TRUE);

        daemon.clearExpired(clock.instant().plus(Duration.ofMinutes(30)));
        assertThat(context.condition("ReadonlyFilesystem").status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void skipListedLinesNeverReachTheRules() throws Exception {
        Files.writeString(kernLog, "");
        start("""
                {"plugin": "filelog", "logPath": "%s", "skipList": [" audit:"],
                 "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: \\\\[\\\\s*[\\\\d.]+\\\\] (.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [],
                 "rules": [{"type": "temporary", "reason": "Denied", "pattern": ".*denied.*"}]}
                """.formatted(kernLog));

        append("Nov 23 12:00:01", "x audit: apparmor=\"DENIED\" denied");
        append("Nov 23 12:00:02", "permission denied");

        awaitTrue("one event", WAIT, () -> !context.events().isEmpty());
        assertThat(context.events()).extracting(Event::message).containsExactly("permission denied");
    }

    @Test
    void withNeitherKmsgNorASyslogFileItFollowsTheJournalsKernelTransport() throws Exception {
        journal.following();
        host = host(dir.resolve("no-kmsg"), List.of(dir.resolve("no-kern.log")));
        start("{}");

        journal.write(Instant.ofEpochSecond(1_795_435_201), "Buffer I/O error on dev sdb1, logical block 0, async page read\n", Map.of("_TRANSPORT", "kernel"));

        awaitTrue("an IOError event", WAIT, () -> !context.events().isEmpty());
        assertThat(context.events()).extracting(Event::reason).containsExactly("IOError");
        assertThat(journal.open()).singleElement().satisfies(followed -> {
            assertThat(followed.query()).isEqualTo(Journal.Query.kernel());
            assertThat(followed.from()).isEqualTo(Journal.Position.since(clock.instant()));
        });
        assertThat(sourceUp("journald")).isEqualTo(1);
    }

    @Test
    void npdsJournaldPluginFollowsItsIdentifierInItsJournalDirectoryFromItsLookback() throws Exception {
        journal.following();
        Path journalDir = Files.createDirectory(dir.resolve("journal"));
        start("""
                {"plugin": "journald", "logPath": "%s", "pluginConfig": {"source": "dockerd"}, "lookback": "5m",
                 "conditions": [{"type": "ContainerRuntimeUnhealthy", "reason": "ContainerRuntimeIsHealthy", "message": "Container runtime on the node is functioning properly"}],
                 "rules": [{"type": "temporary", "reason": "CorruptDockerImage", "pattern": "Error trying v2 registry: failed to register layer: rename /var/lib/docker/image/(.+) (.+): directory not empty.*"}]}
                """.formatted(journalDir));
        journal.write(clock.instant().minus(Duration.ofMinutes(4)), "Error trying v2 registry: failed to register layer: rename /var/lib/docker/image/a b: directory not empty.",
                Map.of("SYSLOG_IDENTIFIER", "dockerd"));
        journal.write(clock.instant().minus(Duration.ofMinutes(3)), "Error trying v2 registry: failed to register layer: rename /var/lib/docker/image/c d: directory not empty.",
                Map.of("SYSLOG_IDENTIFIER", "containerd"));

        awaitTrue("a CorruptDockerImage event", WAIT, () -> !context.events().isEmpty());
        journal.flush();
        assertThat(context.events()).extracting(Event::reason).containsExactly("CorruptDockerImage");
        assertThat(journal.open()).singleElement().satisfies(followed -> {
            assertThat(followed.query()).isEqualTo(Journal.Query.identifier("dockerd").in(journalDir));
            assertThat(followed.from()).isEqualTo(Journal.Position.since(clock.instant().minus(Duration.ofMinutes(5))));
        });
    }

    private static final String SOURCE_UP = "kernel_log_source_up";

    private double sourceUp(String kind) {
        return context.gauged(SOURCE_UP, Map.of("source", kind));
    }

    private void assertUnknownForWantOfALog(String... saying) {
        for (String type : List.of("KernelDeadlock", "ReadonlyFilesystem")) {
            Condition condition = context.condition(type);
            assertThat(condition.status()).as(type).isEqualTo(ConditionStatus.UNKNOWN);
            assertThat(condition.reason()).isEqualTo("LogSourceUnavailable");
            assertThat(condition.message()).contains(saying).contains("It looks again every 50ms");
        }
    }

    @Test
    void withNoReadableKernelLogTheConditionsAreUnknownNamingWhatWasTried() throws Exception {
        start("{}");

        assertUnknownForWantOfALog("kernel-log reads no log: " + dir.resolve("no-kmsg") + ": not there; " + dir.resolve("no-kern.log") + ": not there; "
                + kernLog + ": not there; " + dir.resolve("no-journalctl") + ": not found on PATH. It looks again every 50ms; run the agent privileged");
        assertThat(sourceUp("kmsg") + sourceUp("file") + sourceUp("journald")).isZero();
        assertThat(context.failures()).as("not a failure of the daemon: it runs and keeps looking").isEmpty();
    }

    @Test
    void aSyslogFileThatAppearsLaterIsReadAndTheConditionsComeBackToHealthy() throws Exception {
        start("{}");
        assertUnknownForWantOfALog("kern.log: not there");

        Files.writeString(kernLog, "");

        awaitTrue("KernelDeadlock known again", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.FALSE);
        awaitTrue("ReadonlyFilesystem known again", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.FALSE);
        assertThat(context.condition("KernelDeadlock").reason()).isEqualTo("KernelHasNoDeadlock");
        assertThat(context.condition("KernelDeadlock").message()).isEqualTo("kernel has no deadlock");
        assertThat(sourceUp("file")).isEqualTo(1);
        assertThat(sourceUp("kmsg") + sourceUp("journald")).isZero();

        append("Nov 23 12:00:03", "INFO: task docker:1234 blocked for more than 120 seconds.");
        awaitTrue("KernelDeadlock True", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.TRUE);
        assertThat(context.history("KernelDeadlock")).extracting(Condition::status)
                .containsExactly(ConditionStatus.FALSE, ConditionStatus.UNKNOWN, ConditionStatus.FALSE, ConditionStatus.TRUE);
    }

    @Test
    void aProblemLoggedWhileNothingCouldBeReadGoesFromUnknownToTrueNotThroughHealthy() throws Exception {
        start("{}");

        // As rsyslog does: the file appears with what it has already written, after the agent started.
        append("Nov 23 12:00:02", "INFO: task docker:1234 blocked for more than 120 seconds.");

        awaitTrue("ReadonlyFilesystem known again", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.FALSE);
        assertThat(context.history("KernelDeadlock")).extracting(Condition::status, Condition::reason).containsExactly(
                tuple(ConditionStatus.FALSE, "KernelHasNoDeadlock"), tuple(ConditionStatus.UNKNOWN, "LogSourceUnavailable"), tuple(ConditionStatus.TRUE, "DockerHung"));
    }

    @Test
    void lookingAgainAndFindingTheSameWritesTheSameCondition() throws Exception {
        host = host(dir.resolve("no-kmsg"), List.of(kernLog));
        start("{}");
        Condition first = context.condition("KernelDeadlock");
        clock.advance(Duration.ofMinutes(1));

        // A look subscribes, hears on the journal's own delivery thread that there is no journal, and closes its
        // subscription: the fourth may still be open the moment it is counted, so wait for both. A look that left
        // its subscription open would keep open() from ever being empty.
        awaitTrue("three more looks, each closing what it opened", WAIT,
                () -> journal.subscriptions().size() >= 4 && journal.open().isEmpty());

        assertThat(context.condition("KernelDeadlock")).as("same status, reason, message and transition time").isEqualTo(first);
    }

    @Test
    void aJournalThatCannotBeReadIsNoSourceAndItIsReadOnceItCan() throws Exception {
        String noEntry = "journalctl found no journal entry (\"No journal files were found.\", exit status 0); mount the host's journal"
                + " (/var/log/journal, or /run/log/journal where it is volatile) and its /etc/machine-id into the pod";
        journal.unavailable(noEntry, Duration.ofSeconds(1));
        host = host(dir.resolve("no-kmsg"), List.of(dir.resolve("no-kern.log")));
        start("{}");

        assertUnknownForWantOfALog(noEntry);
        journal.write(Instant.ofEpochSecond(1_795_435_202), "INFO: task docker:77 blocked for more than 120 seconds.", Map.of("_TRANSPORT", "kernel"));
        journal.following();

        awaitTrue("KernelDeadlock True from the journal", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.TRUE);
        awaitTrue("ReadonlyFilesystem known again", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.FALSE);
        assertThat(sourceUp("journald")).isEqualTo(1);
        assertThat(journal.open()).singleElement().extracting(FakeJournal.Followed::query).isEqualTo(Journal.Query.kernel());
    }

    /**
     * The journal unreadable for a while: the conditions no rule raised are Unknown, saying when the agent
     * tries again; a raised one stays True (the problem was seen) and no clearAfter clears it; once the
     * reader follows again, what was logged meanwhile is matched and the daemon has read nothing twice.
     */
    @Test
    void aJournalThatStopsBeingReadableIsUnknownMeanwhileAndResumesWithoutReadingAgain() throws Exception {
        journal.following();
        host = host(dir.resolve("no-kmsg"), List.of(dir.resolve("no-kern.log")));
        start("{}");
        journal.write(Instant.ofEpochSecond(1_795_435_201), "INFO: task docker:77 blocked for more than 120 seconds.", Map.of("_TRANSPORT", "kernel"));
        awaitTrue("KernelDeadlock True", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.TRUE);

        String why = "journalctl exited with status 1 before it read any entry: Failed to open journal (journal)";
        journal.unavailable(why, Duration.ofSeconds(2));

        awaitTrue("ReadonlyFilesystem Unknown", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.UNKNOWN);
        Condition unknown = context.condition("ReadonlyFilesystem");
        assertThat(unknown.reason()).isEqualTo("LogSourceUnavailable");
        assertThat(unknown.message()).isEqualTo("kernel-log: journald _TRANSPORT=kernel cannot be read for now: " + why
                + "; the agent tries again in 2s and resumes after the last line read, so nothing is counted twice or lost");
        assertThat(context.condition("KernelDeadlock").status()).as("a raised condition stays True: the problem was seen").isEqualTo(ConditionStatus.TRUE);
        assertThat(sourceUp("journald")).isZero();
        daemon.clearExpired(clock.instant().plus(Duration.ofDays(1)));
        assertThat(context.condition("KernelDeadlock").status()).as("no clearance while nothing is read").isEqualTo(ConditionStatus.TRUE);
        journal.unavailable(why, Duration.ofMinutes(1));
        journal.unavailable(why, Duration.ofMinutes(1));
        journal.flush();
        assertThat(context.history("ReadonlyFilesystem")).as("a new retry time is said once; the same words at the next retry write nothing new")
                .extracting(Condition::status, c -> c.message().contains("tries again in 1m and"))
                .containsExactly(tuple(ConditionStatus.FALSE, false), tuple(ConditionStatus.UNKNOWN, false), tuple(ConditionStatus.UNKNOWN, true));

        journal.following();
        journal.write(Instant.ofEpochSecond(1_795_435_203), "Buffer I/O error on dev sdb1, logical block 0, async page read", Map.of("_TRANSPORT", "kernel"));

        awaitTrue("ReadonlyFilesystem known again", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.FALSE);
        assertThat(context.condition("KernelDeadlock").reason()).isEqualTo("DockerHung");
        assertThat(context.condition("KernelDeadlock").message()).isEqualTo("INFO: task docker:77 blocked for more than 120 seconds.");
        assertThat(context.history("KernelDeadlock")).extracting(Condition::status).as("True all along")
                .containsExactly(ConditionStatus.FALSE, ConditionStatus.TRUE);
        assertThat(context.events()).extracting(Event::reason).as("DockerHung's condition-change event once: it was True all along")
                .containsExactly("TaskHung", "DockerHung", "IOError");
        assertThat(journal.subscriptions()).as("followed once: the agent's reader resumes, the daemon does not read again").hasSize(1);
        assertThat(context.failures()).isEmpty();
        assertThat(sourceUp("journald")).isEqualTo(1);
        awaitTrue("two lines counted", WAIT, () -> context.counted("kernel_log_lines_read", Map.of("source", "journald")) == 2);
    }

    @Test
    void aNamedFileThatIsNotThereIsUnknownWithWhatToCheckUntilItAppears() throws Exception {
        Path missing = dir.resolve("missing.log");
        start("""
                {"plugin": "filelog", "logPath": "%s",
                 "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: (.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [{"type": "KernelDeadlock", "reason": "KernelHasNoDeadlock", "message": "kernel has no deadlock"}],
                 "rules": [{"type": "permanent", "condition": "KernelDeadlock", "reason": "DockerHung", "pattern": "task docker:\\\\w+ blocked.*"}]}
                """.formatted(missing));

        Condition unknown = context.condition("KernelDeadlock");
        assertThat(unknown.status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(unknown.message()).isEqualTo("kernel-log reads no log: " + missing + ": not there; check logPath, or the hostPath mount of the agent's pod."
                + " It looks again every 50ms");

        Files.writeString(missing, "");
        awaitTrue("KernelDeadlock known again", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.FALSE);
        assertThat(sourceUp("file")).isEqualTo(1);
    }

    @Test
    void aNamedKmsgDeviceThatCannotBeOpenedIsUnknownWithTheSystemsWords() throws Exception {
        // Tests run as root, whom no file mode refuses: a path through a regular file fails with ENOTDIR instead.
        Path notADevice = Files.writeString(dir.resolve("regular-file"), "").resolve("kmsg");
        start("""
                {"plugin": "kmsg", "logPath": "%s",
                 "conditions": [{"type": "KernelDeadlock", "reason": "KernelHasNoDeadlock", "message": "kernel has no deadlock"}],
                 "rules": []}
                """.formatted(notADevice));

        assertThat(context.condition("KernelDeadlock").status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(context.condition("KernelDeadlock").message()).isEqualTo("kernel-log reads no log: " + notADevice + ": Not a directory. It looks again every 50ms");
    }

    @Test
    void aNamedJournalDirectoryThatIsNotThereIsUnknown() throws Exception {
        journal.following();
        host = host(dir.resolve("no-kmsg"), List.of());
        start("""
                {"plugin": "journald", "logPath": "%s", "pluginConfig": {"source": "kernel"},
                 "conditions": [{"type": "KernelDeadlock", "reason": "KernelHasNoDeadlock", "message": "kernel has no deadlock"}],
                 "rules": []}
                """.formatted(dir.resolve("no-journal")));

        assertThat(context.condition("KernelDeadlock").status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(context.condition("KernelDeadlock").message()).contains(dir.resolve("no-journal") + ": journal directory not there; check logPath");
        assertThat(journal.subscriptions()).as("the journal is not asked about a directory that is not there").isEmpty();
    }

    /**
     * NPD's kernel-monitor-filelog.json pluginConfig on a syslog file with RFC 3339 stamps: no line parses,
     * so nothing could ever match. The conditions say so, naming the file and the field to fix, and the
     * lines are counted; once lines parse again the conditions are known again.
     */
    @Test
    void aLogWhoseLinesDoNotFitPluginConfigMakesTheConditionsUnknownNamingTheFieldToFix() throws Exception {
        StringBuilder rfc3339 = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            rfc3339.append("2026-11-23T12:00:01.%06d+00:00 node-1 kernel: [ 3600.123456] eth0: link up\n".formatted(i));
        }
        Files.writeString(kernLog, rfc3339);
        start("""
                {"plugin": "filelog", "logPath": "%s",
                 "pluginConfig": {"timestamp": "^.{15}", "message": "kernel: \\\\[.*\\\\] (.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [{"type": "KernelDeadlock", "reason": "KernelHasNoDeadlock", "message": "kernel has no deadlock"}],
                 "rules": [{"type": "permanent", "condition": "KernelDeadlock", "reason": "DockerHung", "pattern": "task docker:\\\\w+ blocked.*"}]}
                """.formatted(kernLog));

        awaitTrue("KernelDeadlock Unknown", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.UNKNOWN);
        Condition unknown = context.condition("KernelDeadlock");
        assertThat(unknown.reason()).isEqualTo("LogLinesUnparsed");
        assertThat(unknown.message()).isEqualTo("kernel-log: file " + kernLog + ": 100 lines in a row do not fit pluginConfig, none parsing since line 1"
                + " (2026-11-23T12:00:00Z), where the timestamp pluginConfig.timestamp finds in it does not read as pluginConfig.timestampFormat"
                + " \"Jan _2 15:04:05\"; fix pluginConfig.timestampFormat for this log's format, or set logPath to the log this pluginConfig was written for");
        awaitTrue("every line counted as not parsing", WAIT, () -> context.counted("kernel_log_lines_unparsed", Map.of("source", "file")) == 150);
        assertThat(context.counted("kernel_log_lines_read", Map.of("source", "file"))).isZero();
        assertThat(sourceUp("file")).as("lines that do not parse are still read").isEqualTo(1);

        append("Nov 23 12:00:02", "INFO: task docker:1234 blocked for more than 120 seconds.");

        awaitTrue("KernelDeadlock True", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.TRUE);
        assertThat(context.history("KernelDeadlock")).extracting(Condition::status, Condition::reason).containsExactly(
                tuple(ConditionStatus.FALSE, "KernelHasNoDeadlock"), tuple(ConditionStatus.UNKNOWN, "LogLinesUnparsed"), tuple(ConditionStatus.TRUE, "DockerHung"));
    }

    @Test
    void linesThatParseAgainMakeTheConditionsHealthyAgain() throws Exception {
        Files.writeString(kernLog, "junk\n".repeat(100));
        start("{}");
        awaitTrue("KernelDeadlock Unknown", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.UNKNOWN);
        assertThat(context.condition("ReadonlyFilesystem").reason()).isEqualTo("LogLinesUnparsed");

        append("Nov 23 12:00:02", "eth0: link up");

        awaitTrue("KernelDeadlock healthy again", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.FALSE);
        awaitTrue("ReadonlyFilesystem healthy again", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.FALSE);
        assertThat(context.counted("kernel_log_lines_unparsed", Map.of("source", "file"))).isEqualTo(100);
    }

    /**
     * A kern.log removed and never recreated: after a minute by the clock the conditions no rule raised
     * are Unknown, saying so (a raised one stays True: the problem was seen); a new file is read from its
     * start and they are known again.
     */
    @Test
    void aLogFileRemovedAndNotRecreatedMakesTheConditionsUnknownUntilItIsBack() throws Exception {
        Files.writeString(kernLog, "");
        start("{}");
        append("Nov 23 12:00:02", "INFO: task docker:1234 blocked for more than 120 seconds.");
        awaitTrue("KernelDeadlock True", WAIT, () -> context.condition("KernelDeadlock").status() == ConditionStatus.TRUE);

        Files.delete(kernLog);
        clock.advance(Duration.ofSeconds(30));
        awaitTrue("ReadonlyFilesystem Unknown", WAIT, () -> {
            clock.advance(Duration.ofSeconds(1));
            return context.condition("ReadonlyFilesystem").status() == ConditionStatus.UNKNOWN;
        });
        Condition unknown = context.condition("ReadonlyFilesystem");
        assertThat(unknown.reason()).isEqualTo("LogSourceUnavailable");
        assertThat(unknown.message()).startsWith("kernel-log: file " + kernLog + " removed and not recreated (gone since 2026-11-23T12:0")
                .endsWith("; it is read from its start once it is there again; check logPath, or the hostPath mount of the agent's pod");
        assertThat(context.condition("KernelDeadlock").status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(sourceUp("file")).as("a removed file is not read").isZero();

        append("Nov 23 12:00:03", "EXT4-fs (sda1): Remounting filesystem read-only");

        awaitTrue("ReadonlyFilesystem True from the new file", WAIT, () -> context.condition("ReadonlyFilesystem").status() == ConditionStatus.TRUE);
        assertThat(context.history("ReadonlyFilesystem")).extracting(Condition::status)
                .containsExactly(ConditionStatus.FALSE, ConditionStatus.UNKNOWN, ConditionStatus.TRUE);
        assertThat(context.failures()).isEmpty();
        assertThat(sourceUp("file")).isEqualTo(1);
    }
}
