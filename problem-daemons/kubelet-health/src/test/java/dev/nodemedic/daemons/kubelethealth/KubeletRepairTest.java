package dev.nodemedic.daemons.kubelethealth;

import static dev.nodemedic.daemon.api.RecordingDaemonContext.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.api.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional kubelet repair against a stand-in kubelet (a real HTTP server) and a stand-in systemctl:
 * a real shell script that records every call, answers {@code show} with the unit's start time the test
 * wrote, and does what the test asks on {@code kill}.
 */
class KubeletRepairTest {
    private static final DateTimeFormatter SYSTEMD = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final Instant start = clock.instant();
    private final KubeletHealthDaemon daemon = new KubeletHealthDaemon();
    private final AtomicInteger status = new AtomicInteger(500);
    private HttpServer kubelet;
    private RecordingDaemonContext<KubeletHealthConfig> context;

    @BeforeEach
    void startKubelet() throws IOException {
        kubelet = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kubelet.createContext("/healthz", exchange -> {
            try (exchange) {
                byte[] body = (status.get() == 200 ? "ok" : "[-]syncloop failed: reason withheld\nhealthz check failed").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status.get(), body.length);
                exchange.getResponseBody().write(body);
            }
        });
        kubelet.start();
    }

    @AfterEach
    void stopAll() {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
        kubelet.stop(0);
    }

    private URI healthz() {
        return URI.create("http://127.0.0.1:" + kubelet.getAddress().getPort() + "/healthz");
    }

    /** A systemctl that records its calls, answers show from the file {@code show}, and runs {@code onKill} for kill. */
    private Path systemctl(String onKill) throws IOException {
        Path path = dir.resolve("systemctl");
        Files.writeString(path, "#!/bin/sh\necho \"$@\" >> '" + dir.resolve("calls") + "'\n"
                + "case \"$1\" in\n"
                + "  show) echo \"TZ=$TZ LC_ALL=$LC_ALL $*\" >> '" + dir.resolve("env") + "'; cat '" + dir.resolve("show") + "' ;;\n"
                + "  kill) " + onKill + " ;;\n"
                + "esac\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private Path succeedingSystemctl() throws IOException {
        return systemctl("exit 0");
    }

    /** What systemd says about the kubelet's unit: started (left inactive) at {@code at}. */
    private void unitStartedAt(Instant at) throws IOException {
        Files.writeString(dir.resolve("show"), "InactiveExitTimestamp=" + SYSTEMD.format(at) + "\n");
    }

    private void open(Path systemctl, RepairConfig repair) throws IOException {
        KubeletHealthConfig config = new KubeletHealthConfig(healthz(), Duration.ofSeconds(5), Duration.ofSeconds(15), null, Optional.of(dir.resolve("kubelet.pem")), null,
                "kubelet.service", systemctl, null, null, null, repair);
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    private static RepairConfig enabled() {
        return new RepairConfig(true, Duration.ofMinutes(1), null, null, null);
    }

    private List<String> calls() {
        try {
            return Files.exists(dir.resolve("calls")) ? Files.readAllLines(dir.resolve("calls")) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> kills() {
        return calls().stream().filter(call -> call.startsWith("kill")).toList();
    }

    private List<Event> repairEvents() {
        return context.events().stream().filter(e -> e.reason().equals("KubeletRestarted") || e.reason().equals("KubeletRepairFailed")).toList();
    }

    /** Looks at the kubelet at start + {@code offset}. */
    private void checkAt(Duration offset) throws InterruptedException {
        clock.set(start.plus(offset));
        daemon.check(clock.instant());
    }

    @Test
    void repairIsOffByDefault() throws Exception {
        open(succeedingSystemctl(), null);
        unitStartedAt(start.minus(Duration.ofHours(1)));

        for (int minute = 0; minute <= 10; minute++) {
            checkAt(Duration.ofMinutes(minute));
        }

        assertThat(context.condition("KubeletUnhealthy").status().apiValue()).isEqualTo("True");
        assertThat(calls()).noneMatch(call -> call.startsWith("kill") || call.contains("InactiveExitTimestamp"));
        assertThat(repairEvents()).isEmpty();
    }

    @Test
    void notBeforeTheKubeletHasBeenUnhealthyForTheCooldown() throws Exception {
        Path systemctl = succeedingSystemctl();
        open(systemctl, enabled());
        unitStartedAt(start.minus(Duration.ofHours(1)));

        checkAt(Duration.ZERO);
        checkAt(Duration.ofSeconds(30));
        checkAt(Duration.ofSeconds(59));
        assertThat(kills()).isEmpty();

        checkAt(Duration.ofMinutes(1));

        assertThat(kills()).containsExactly("kill --kill-who=main kubelet.service");
        assertThat(calls()).contains("show kubelet.service --property=InactiveExitTimestamp");
        assertThat(Files.readAllLines(dir.resolve("env"))).as("systemd's dates pinned to UTC")
                .contains("TZ=UTC LC_ALL=C show kubelet.service --property=InactiveExitTimestamp");
        assertThat(repairEvents()).singleElement().satisfies(event -> {
            assertThat(event.reason()).isEqualTo("KubeletRestarted");
            assertThat(event.severity()).isEqualTo(Severity.WARNING);
            assertThat(event.message()).isEqualTo("kubelet unhealthy for 1m (kubelet at " + healthz()
                    + " answered 500: \"[-]syncloop failed: reason withheld healthz check failed\"); ran \"" + systemctl
                    + " kill --kill-who=main kubelet.service\": exit status 0");
        });
    }

    @Test
    void atMostOncePerCooldown() throws Exception {
        open(succeedingSystemctl(), enabled());
        // The unit always reads as long up, so only the cooldown between repairs holds them back.
        unitStartedAt(start.minus(Duration.ofHours(1)));

        for (int seconds = 0; seconds <= 150; seconds += 15) {
            checkAt(Duration.ofSeconds(seconds));
        }

        assertThat(kills()).hasSize(2);
        assertThat(repairEvents()).extracting(Event::timestamp).containsExactly(start.plus(Duration.ofMinutes(1)), start.plus(Duration.ofMinutes(2)));
    }

    @Test
    void atMostThreeRepairsWithinADayThenOneEventSaysWhyAndWhenTheNextMayRun() throws Exception {
        open(succeedingSystemctl(), enabled());
        unitStartedAt(start.minus(Duration.ofHours(1)));

        // A kubelet no restart helps: unhealthy all along, every cooldown would kill it again.
        for (int minutes = 0; minutes <= 60; minutes++) {
            checkAt(Duration.ofMinutes(minutes));
        }

        assertThat(kills()).hasSize(3);
        assertThat(repairEvents()).extracting(Event::timestamp)
                .containsExactly(start.plus(Duration.ofMinutes(1)), start.plus(Duration.ofMinutes(2)), start.plus(Duration.ofMinutes(3)));
        List<Event> limit = context.events().stream().filter(e -> e.reason().equals("KubeletRepairLimitReached")).toList();
        assertThat(limit).as("one event, not one per look").singleElement().satisfies(event -> {
            assertThat(event.severity()).isEqualTo(Severity.WARNING);
            assertThat(event.timestamp()).isEqualTo(start.plus(Duration.ofMinutes(4)));
            assertThat(event.message()).startsWith("kubelet unhealthy for 4m (").contains("not restarted: 3 repairs within 24h already (repair.maxRepairsPerDay);"
                    + " no more until " + start.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS));
        });
        assertThat(calls()).as("systemd is not even asked while the cap holds").filteredOn(call -> call.contains("InactiveExitTimestamp")).hasSize(3);

        // The window rolls: each repair frees its place a day after it ran, and the cap is announced again once used up.
        checkAt(Duration.ofDays(1).plus(Duration.ofSeconds(59)));
        assertThat(kills()).hasSize(3);
        for (int minutes = 1; minutes <= 5; minutes++) {
            checkAt(Duration.ofDays(1).plus(Duration.ofMinutes(minutes)));
        }
        assertThat(kills()).hasSize(6);
        assertThat(context.events()).filteredOn(e -> e.reason().equals("KubeletRepairLimitReached")).hasSize(2);
    }

    @Test
    void theCapIsConfigurable() throws Exception {
        open(succeedingSystemctl(), new RepairConfig(true, Duration.ofMinutes(1), null, null, 1));
        unitStartedAt(start.minus(Duration.ofHours(1)));

        for (int minutes = 0; minutes <= 10; minutes++) {
            checkAt(Duration.ofMinutes(minutes));
        }

        assertThat(kills()).hasSize(1);
    }

    @Test
    void notWhileTheUnitHasBeenUpLessThanTheCooldownAsNpdsGuard() throws Exception {
        open(succeedingSystemctl(), enabled());
        // Someone (systemd, a person) restarted the kubelet 50s after it turned unhealthy.
        unitStartedAt(start.plus(Duration.ofSeconds(50)));
        checkAt(Duration.ZERO);

        checkAt(Duration.ofMinutes(1));
        checkAt(Duration.ofSeconds(105));
        assertThat(kills()).as("up 10s, then 55s").isEmpty();
        assertThat(repairEvents()).isEmpty();

        checkAt(Duration.ofSeconds(110));
        assertThat(kills()).hasSize(1);
    }

    @Test
    void aHealthyKubeletIsNeverRepaired() throws Exception {
        status.set(200);
        open(succeedingSystemctl(), enabled());
        unitStartedAt(start.minus(Duration.ofHours(1)));

        for (int minute = 0; minute <= 5; minute++) {
            checkAt(Duration.ofMinutes(minute));
        }

        assertThat(calls()).noneMatch(call -> call.startsWith("kill") || call.contains("InactiveExitTimestamp"));
    }

    @Test
    void aHealthyAnswerStartsTheCooldownOver() throws Exception {
        open(succeedingSystemctl(), enabled());
        unitStartedAt(start.minus(Duration.ofHours(1)));
        checkAt(Duration.ZERO);
        status.set(200);
        checkAt(Duration.ofSeconds(45));
        status.set(500);

        checkAt(Duration.ofSeconds(60));
        checkAt(Duration.ofSeconds(90));
        assertThat(kills()).as("unhealthy again for 15s and 45s").isEmpty();

        checkAt(Duration.ofSeconds(120));
        assertThat(kills()).hasSize(1);
    }

    @Test
    void aFailingRepairIsAnEventWithTheExitStatusAndWhatItSaid() throws Exception {
        Path systemctl = systemctl("echo 'Failed to kill unit kubelet.service: Access denied' >&2; exit 1");
        open(systemctl, enabled());
        unitStartedAt(start.minus(Duration.ofHours(1)));
        checkAt(Duration.ZERO);

        checkAt(Duration.ofMinutes(1));

        assertThat(repairEvents()).singleElement().satisfies(event -> {
            assertThat(event.reason()).isEqualTo("KubeletRepairFailed");
            assertThat(event.message()).endsWith("; ran \"" + systemctl + " kill --kill-who=main kubelet.service\": exit status 1: "
                    + "\"Failed to kill unit kubelet.service: Access denied\"");
        });
    }

    @Test
    void aHangingRepairIsKilledAfterItsTimeout() throws Exception {
        Path systemctl = systemctl("echo $$ > '" + dir.resolve("kill-pid") + "'; exec sleep 60");
        open(systemctl, new RepairConfig(true, Duration.ofMinutes(1), null, Duration.ofMillis(500), null));
        unitStartedAt(start.minus(Duration.ofHours(1)));
        checkAt(Duration.ZERO);
        long started = System.nanoTime();

        checkAt(Duration.ofMinutes(1));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(repairEvents()).singleElement().satisfies(event -> {
            assertThat(event.reason()).isEqualTo("KubeletRepairFailed");
            assertThat(event.message()).endsWith("; ran \"" + systemctl + " kill --kill-who=main kubelet.service\": did not finish within 500ms and was killed");
        });
        long pid = Long.parseLong(Files.readString(dir.resolve("kill-pid")).strip());
        awaitTrue("the hung command (pid " + pid + ") to be gone", Duration.ofSeconds(10), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void anUnknownUptimeIsAFailedRepairOncePerCooldown() throws Exception {
        Path systemctl = dir.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\necho \"$@\" >> '" + dir.resolve("calls") + "'\necho 'Failed to connect to bus: Host is down' >&2\nexit 1\n");
        Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        open(systemctl, enabled());
        checkAt(Duration.ZERO);

        checkAt(Duration.ofMinutes(1));
        checkAt(Duration.ofSeconds(90));

        assertThat(kills()).isEmpty();
        assertThat(repairEvents()).singleElement().satisfies(event -> {
            assertThat(event.reason()).isEqualTo("KubeletRepairFailed");
            assertThat(event.message()).endsWith("; not restarted: cannot tell how long kubelet.service has been up: \"" + systemctl
                    + " show kubelet.service --property=InactiveExitTimestamp\" exited 1: \"Failed to connect to bus: Host is down\"");
        });
    }

    @Test
    void aConfiguredCommandRunsInsteadOfNpds() throws Exception {
        open(succeedingSystemctl(), new RepairConfig(true, Duration.ofMinutes(1), List.of(dir.resolve("systemctl").toString(), "restart", "kubelet.service"), null, null));
        unitStartedAt(start.minus(Duration.ofHours(1)));
        checkAt(Duration.ZERO);

        checkAt(Duration.ofMinutes(1));

        assertThat(calls()).contains("restart kubelet.service").noneMatch(call -> call.startsWith("kill"));
        assertThat(repairEvents()).extracting(Event::reason).containsExactly("KubeletRestarted");
    }

    @Test
    void theRepairCommandSeesOnlyPathLocaleAndTimeZoneOfTheAgentsEnvironment() throws Exception {
        Path command = dir.resolve("repair.sh");
        Files.writeString(command, "#!/bin/sh\nenv > '" + dir.resolve("repair-env") + "'\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwxr-xr-x"));
        open(succeedingSystemctl(), new RepairConfig(true, Duration.ofMinutes(1), List.of(command.toString()), null, null));
        unitStartedAt(start.minus(Duration.ofHours(1)));
        checkAt(Duration.ZERO);

        checkAt(Duration.ofMinutes(1));

        List<String> names = Files.readAllLines(dir.resolve("repair-env")).stream().map(line -> line.split("=", 2)[0]).toList();
        assertThat(names).contains("PATH");
        // The shell adds PWD, SHLVL and _ itself; everything else the agent (here: Maven's test JVM) has stays out.
        assertThat(names).allMatch(name -> Set.of("PATH", "LANG", "TZ", "PWD", "SHLVL", "_").contains(name) || name.startsWith("LC_"),
                "only PATH, the locale and the time zone");
        assertThat(System.getenv().keySet()).as("the agent had more to leak").anyMatch(name -> !Set.of("PATH", "LANG", "TZ").contains(name) && !name.startsWith("LC_"));
    }

    @Test
    void aMissingCommandIsAFailedRepair() throws Exception {
        Path missing = dir.resolve("no-such-command");
        open(succeedingSystemctl(), new RepairConfig(true, Duration.ofMinutes(1), List.of(missing.toString(), "restart", "kubelet"), null, null));
        unitStartedAt(start.minus(Duration.ofHours(1)));
        checkAt(Duration.ZERO);

        checkAt(Duration.ofMinutes(1));

        assertThat(repairEvents()).singleElement().satisfies(event -> {
            assertThat(event.reason()).isEqualTo("KubeletRepairFailed");
            assertThat(event.message()).contains("; \"" + missing + " restart kubelet\" could not be run: ");
        });
    }
}
