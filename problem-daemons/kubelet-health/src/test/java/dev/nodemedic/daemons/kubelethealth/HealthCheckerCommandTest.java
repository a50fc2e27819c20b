package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.api.FakeJournal;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPD's health-checker flags, as NPD's own {@code health-checker-*.json} pass them, against a stand-in
 * kubelet (a real HTTP server on a free port, reached through NPD's KUBELET_PORT), stand-in systemctl and
 * crictl (real shell scripts on the PATH the command is given, recording their calls), and the agent's
 * journal reader played by a {@link FakeJournal}.
 */
class HealthCheckerCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
    private static final DateTimeFormatter SYSTEMD = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** health-checker-kubelet.json's arguments. */
    private static final List<String> KUBELET = List.of("--component=kubelet", "--enable-repair=true", "--cooldown-time=1m", "--loopback-time=0",
            "--health-check-timeout=10s");
    /** health-checker-containerd.json's arguments. */
    private static final List<String> CONTAINERD = List.of("--component=cri", "--enable-repair=true", "--cooldown-time=2m", "--health-check-timeout=60s");

    @TempDir
    Path dir;
    private Path bin;
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer kubelet;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final FakeJournal journal = new FakeJournal(Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeEach
    void standIns() throws IOException {
        kubelet = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kubelet.createContext("/healthz", exchange -> {
            try (exchange) {
                byte[] body = (status.get() == 200 ? "ok" : "[-]syncloop failed\nhealthz check failed").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status.get(), body.length);
                exchange.getResponseBody().write(body);
            }
        });
        kubelet.start();
        bin = Files.createDirectory(dir.resolve("bin"));
        // systemctl: show answers the unit's start time the test wrote; kill is recorded.
        script("systemctl", "echo \"systemctl $*\" >> '" + dir.resolve("calls") + "'\n"
                + "case \"$1\" in show) cat '" + dir.resolve("started") + "';; esac");
        upFor(Duration.ofMinutes(5));
    }

    @AfterEach
    void stopKubelet() {
        kubelet.stop(0);
    }

    private void script(String name, String body) throws IOException {
        Path path = bin.resolve(name);
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void upFor(Duration d) throws IOException {
        Files.writeString(dir.resolve("started"), "InactiveExitTimestamp=" + SYSTEMD.format(NOW.minus(d)) + "\n");
    }

    private int run(List<String> args) throws Exception {
        return run(args, Map.of("PATH", bin.toString(), "KUBELET_PORT", String.valueOf(kubelet.getAddress().getPort())));
    }

    private int run(List<String> args, Map<String, String> environment) throws Exception {
        out.reset();
        err.reset();
        return new HealthCheckerCommand(environment).run(context(), args);
    }

    private List<String> calls() throws IOException {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aHealthyKubeletExitsZeroAndIsLeftAlone() throws Exception {
        assertThat(run(KUBELET)).isZero();
        assertThat(printed()).isEmpty();
        assertThat(calls()).noneMatch(c -> c.contains("kill"));
    }

    @Test
    void anUnhealthyKubeletUpLongerThanTheCooldownIsKilledForSystemdToRestart() throws Exception {
        status.set(500);

        assertThat(run(KUBELET)).isEqualTo(1);
        assertThat(printed()).isEqualTo("kubelet:kubelet was found unhealthy; repair flag : true\n");
        assertThat(calls()).containsExactly("systemctl show kubelet --property=InactiveExitTimestamp", "systemctl kill --kill-who=main kubelet");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("answered 500", "repair: ran");
    }

    @Test
    void aKubeletStartedWithinTheCooldownIsNotKilledAgain() throws Exception {
        status.set(500);
        upFor(Duration.ofSeconds(30));

        assertThat(run(KUBELET)).isEqualTo(1);
        assertThat(calls()).noneMatch(c -> c.contains("kill"));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("within the cooldown of 1m");
    }

    @Test
    void withoutRepairNothingIsKilled() throws Exception {
        status.set(500);

        assertThat(run(List.of("--component=kubelet", "--enable-repair=false"))).isEqualTo(1);
        assertThat(printed()).isEqualTo("kubelet:kubelet was found unhealthy; repair flag : false\n");
        assertThat(calls()).isEmpty();
    }

    @Test
    void noKubeletListeningIsUnhealthy() throws Exception {
        int free;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }
        assertThat(run(List.of("--component=kubelet", "--enable-repair=false"), Map.of("PATH", bin.toString(), "KUBELET_PORT", String.valueOf(free))))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("connection refused");
    }

    @Test
    void aFailingCrictlMakesContainerdUnhealthyAndKillsItAsNpdsDoes() throws Exception {
        Path crictl = bin.resolve("crictl");
        script("crictl", "echo \"crictl $*\" >> '" + dir.resolve("calls") + "'\necho 'connect: connection refused' >&2\nexit 1");

        List<String> args = new java.util.ArrayList<>(CONTAINERD);
        args.add("--crictl-path=" + crictl);
        assertThat(run(args)).isEqualTo(1);
        assertThat(printed()).isEqualTo("cri:containerd was found unhealthy; repair flag : true\n");
        assertThat(calls()).containsExactly(
                "crictl --timeout=2s --runtime-endpoint=unix:///var/run/containerd/containerd.sock pods --latest",
                "systemctl show containerd --property=InactiveExitTimestamp",
                "systemctl kill --kill-who=main containerd");
    }

    @Test
    void noCrictlIsUnknownAndContainerdIsNotKilled() throws Exception {
        List<String> args = new java.util.ArrayList<>(CONTAINERD);
        args.add("--crictl-path=" + bin.resolve("crictl"));

        assertThat(run(args)).isEqualTo(2);
        assertThat(printed()).startsWith("error checking cri health: --crictl-path " + bin.resolve("crictl") + " is not an executable");
        assertThat(calls()).isEmpty();
    }

    @Test
    void logPatternsCountTheUnitsJournalSinceItStarted() throws Exception {
        Map<String, String> kubelet = Map.of("_SYSTEMD_UNIT", "kubelet.service");
        journal.following();
        journal.write(NOW.minusSeconds(200), "I1207 ok", kubelet);
        journal.write(NOW.minusSeconds(100), "E1207 PLEG is not healthy: pleg was last seen active 3m0s ago", kubelet);
        journal.write(NOW.minusSeconds(50), "E1207 pleg IS NOT HEALTHY", kubelet);
        journal.write(NOW.minusSeconds(40), "E1207 PLEG is not healthy, says another unit", Map.of("_SYSTEMD_UNIT", "containerd.service"));
        List<String> args = List.of("--component=kubelet", "--enable-repair=false", "--log-pattern=2:PLEG is not healthy");

        assertThat(run(args)).as("two lines match, case-insensitively").isEqualTo(1);
        assertThat(journal.reads()).containsExactly(new FakeJournal.Read(Journal.Query.unit("kubelet"), NOW.minus(Duration.ofMinutes(5)), NOW));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("occurred 2 times in the journal of kubelet within 5m");

        assertThat(run(List.of("--component=kubelet", "--enable-repair=false", "--log-pattern=3:PLEG is not healthy", "--loopback-time=1m"))).isZero();
        assertThat(journal.reads()).last().extracting(FakeJournal.Read::since).isEqualTo(NOW.minus(Duration.ofMinutes(1)));
    }

    @Test
    void aJournalThatCannotBeReadForLogPatternsIsUnknown() throws Exception {
        journal.unavailable("journalctl found no journal entry (it printed nothing, exit status 0); mount the host's journal", Duration.ZERO);

        assertThat(run(List.of("--component=kubelet", "--enable-repair=false", "--log-pattern=2:PLEG is not healthy"))).isEqualTo(2);
        assertThat(printed()).startsWith("error checking kubelet health: journalctl found no journal entry");
    }

    @Test
    void badFlagsAreUnknown() throws Exception {
        assertThat(run(List.of("--component=containerd"))).isEqualTo(2);
        assertThat(printed()).contains("--component: \"containerd\" is not supported");

        assertThat(run(List.of("--cooldown-time=two minutes"))).isEqualTo(2);
        assertThat(printed()).contains("--cooldown-time: \"two minutes\" is not a duration");

        assertThat(run(List.of("--log-pattern=0:PLEG"))).isEqualTo(2);
        assertThat(printed()).contains("needs a count of at least 1");
        assertThat(calls()).isEmpty();
    }

    private CommandContext context() {
        ConfigBinder binder = new ConfigBinder();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        return new CommandContext() {
            @Override
            public PrintStream out() {
                return outStream;
            }

            @Override
            public PrintStream err() {
                return errStream;
            }

            @Override
            public Clock clock() {
                return Clock.fixed(NOW, ZoneOffset.UTC);
            }

            @Override
            public <T> T bind(Path file, Class<T> type) throws ConfigException {
                return binder.bind(file, type);
            }

            @Override
            public Duration duration(String text) {
                return ConfigBinder.parseDuration(text);
            }

            @Override
            public Journal journal() {
                return journal;
            }
        };
    }
}
