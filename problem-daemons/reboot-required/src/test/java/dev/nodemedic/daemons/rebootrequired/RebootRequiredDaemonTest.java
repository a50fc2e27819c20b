package dev.nodemedic.daemons.rebootrequired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebootRequiredDaemonTest {
    @TempDir
    Path dir;

    private final RebootRequiredDaemon daemon = new RebootRequiredDaemon();
    private RecordingDaemonContext<RebootRequiredConfig> context;

    private void start(Duration interval) {
        RebootRequiredConfig config = new RebootRequiredConfig(dir.resolve("reboot-required"), null, interval);
        context = new RecordingDaemonContext<>(daemon, config, new ManualClock());
        daemon.start(context);
    }

    @AfterEach
    void stop() {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
    }

    @Test
    void healthyWhileThereIsNoMarker() {
        start(Duration.ofHours(1));
        daemon.check();
        assertThat(context.condition("RebootRequired").status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(context.condition("RebootRequired").reason()).isEqualTo("NoRebootRequired");
    }

    @Test
    void markerWithPackagesRaisesTheConditionNamingThem() throws Exception {
        start(Duration.ofHours(1));
        Files.writeString(dir.resolve("reboot-required"), "*** System restart required ***\n");
        Files.write(dir.resolve("reboot-required.pkgs"), List.of("linux-image-6.1.0-27-amd64", "libc6", "libc6"));

        daemon.check();

        var condition = context.condition("RebootRequired");
        assertThat(condition.status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(condition.message()).isEqualTo("a reboot is required by linux-image-6.1.0-27-amd64, libc6");
    }

    @Test
    void manyPackagesAreCounted() throws Exception {
        start(Duration.ofHours(1));
        Files.writeString(dir.resolve("reboot-required"), "");
        Files.write(dir.resolve("reboot-required.pkgs"), IntStream.range(0, 13).mapToObj(i -> "pkg" + i).toList());
        daemon.check();
        assertThat(context.condition("RebootRequired").message()).endsWith("pkg9 and 3 more");
    }

    @Test
    void deletingTheMarkerClearsTheCondition() throws Exception {
        start(Duration.ofHours(1));
        Path marker = Files.writeString(dir.resolve("reboot-required"), "");
        daemon.check();
        Files.delete(marker);

        daemon.check();

        assertThat(context.condition("RebootRequired").status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void theSchedulerLooksWithoutBeingAsked() throws Exception {
        Files.writeString(dir.resolve("reboot-required"), "");
        start(Duration.ofMillis(20));
        RecordingDaemonContext.awaitTrue("RebootRequired to become True", Duration.ofSeconds(10),
                () -> context.condition("RebootRequired").status() == ConditionStatus.TRUE);
        assertThat(context.condition("RebootRequired").message()).isEqualTo("a reboot is required (" + dir.resolve("reboot-required") + " exists)");
    }

    @Test
    void configBindsFromYamlWithDefaults() throws Exception {
        ConfigBinder binder = new ConfigBinder();
        RebootRequiredConfig config = binder.bind("reboot-required.yaml", "markerFile: /run/reboot-needed\ninterval: 30s\n", RebootRequiredConfig.class);
        assertThat(config.packagesFile()).isEqualTo(Path.of("/run/reboot-needed.pkgs"));
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(binder.defaults(RebootRequiredConfig.class).markerFile()).isEqualTo(Path.of("/var/run/reboot-required"));
        assertThatThrownBy(() -> binder.bind("r.yaml", "interval: 0s\n", RebootRequiredConfig.class))
                .hasMessage("r.yaml:1:1: interval must be positive, was PT0S");
    }
}
