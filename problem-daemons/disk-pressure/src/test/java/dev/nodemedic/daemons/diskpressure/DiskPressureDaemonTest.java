package dev.nodemedic.daemons.diskpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.diskpressure.MountWatch.Reading;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiskPressureDaemonTest {
    private static final Path ROOT = Path.of("/");
    private static final Path CONTAINERD = Path.of("/var/lib/containerd");
    private static final Path KUBELET = Path.of("/var/lib/kubelet");
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final FakeHost host = new FakeHost("node.txt", KUBELET, CONTAINERD);
    private final DiskPressureDaemon daemon = new DiskPressureDaemon(() -> host);
    private RecordingDaemonContext<DiskPressureConfig> context;

    private void open(DiskPressureConfig config) {
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    private void open(List<Path> mounts) {
        open(new DiskPressureConfig(mounts, INTERVAL, null, null, null, null, null, null));
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

    /** One look, half a minute after the last. */
    private List<Reading> look() {
        clock.advance(INTERVAL);
        return daemon.check(clock.instant());
    }

    private Condition condition(String type) {
        return context.condition(type);
    }

    @Test
    void diskFillingRisesAtItsLevelAndClearsFivePointsLower() {
        open(List.of(ROOT, CONTAINERD));
        host.use(ROOT, 40, 10);
        host.use(CONTAINERD, 79.9, 10);
        look();
        assertThat(condition("DiskFilling").status()).isEqualTo(ConditionStatus.FALSE);

        host.use(CONTAINERD, 93.4, 10);
        look();
        assertThat(condition("DiskFilling")).isEqualTo(new Condition("DiskFilling", ConditionStatus.TRUE, "DiskAlmostFull",
                "/var/lib/containerd: 93 % bytes used", clock.instant()));

        host.use(CONTAINERD, 76, 10);
        look();
        assertThat(condition("DiskFilling").status()).as("still above the clear level").isEqualTo(ConditionStatus.TRUE);
        assertThat(condition("DiskFilling").message()).isEqualTo("/var/lib/containerd: 76 % bytes used");

        host.use(CONTAINERD, 74.9, 10);
        look();
        assertThat(condition("DiskFilling")).isEqualTo(new Condition("DiskFilling", ConditionStatus.FALSE, "DiskHasSpace",
                "every watched filesystem has space and inodes left", clock.instant()));
    }

    @Test
    void inodesRunningOutIsDiskFillingToo() {
        open(List.of(ROOT));
        host.use(ROOT, 30, 91.2);
        look();
        assertThat(condition("DiskFilling").reason()).isEqualTo("InodesAlmostExhausted");
        assertThat(condition("DiskFilling").message()).isEqualTo("/: 91 % inodes used");
    }

    @Test
    void steadyGrowthRaisesDiskFillingFastWithThePrediction() {
        open(List.of(CONTAINERD));
        // One point every look: 2 % a minute, so from 50 % the disk is full in 25 minutes.
        Reading last = null;
        for (int i = 0; i <= 30; i++) {
            host.use(CONTAINERD, 20 + i, 5);
            last = look().getFirst();
        }
        assertThat(last.bytesFullIn()).isPresent();
        Condition fast = condition("DiskFillingFast");
        assertThat(fast.status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(fast.reason()).isEqualTo("DiskFillingFast");
        assertThat(fast.message()).matches("/var/lib/containerd: 50 % bytes used, predicted full in 2[45]m");
        assertThat(condition("DiskFilling").status()).as("not yet at the level").isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void diskFillingFastClearsWhenThePredictionDoes() {
        open(List.of(CONTAINERD));
        for (int i = 0; i <= 30; i++) {
            host.use(CONTAINERD, 20 + i, 5);
            look();
        }
        assertThat(condition("DiskFillingFast").status()).isEqualTo(ConditionStatus.TRUE);

        Reading reading = null;
        int looks = 0;
        while (condition("DiskFillingFast").status() == ConditionStatus.TRUE && looks++ < 120) {
            host.use(CONTAINERD, 50, 5);
            reading = look().getFirst();
        }
        assertThat(condition("DiskFillingFast").status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(reading.bytesFullIn().filter(d -> d.compareTo(Duration.ofHours(4)) <= 0)).isEmpty();
        assertThat(looks).as("cleared within the trend window once the disk stopped growing").isLessThan(120);
    }

    @Test
    void aOneOffSpikeIsNotFillingFast() {
        open(List.of(CONTAINERD));
        for (int i = 0; i <= 60; i++) {
            host.use(CONTAINERD, i == 40 ? 79 : 50, 5);
            look();
            assertThat(condition("DiskFillingFast").status()).as("look %d", i).isEqualTo(ConditionStatus.FALSE);
        }
    }

    @Test
    void aWatchedMountTurningReadOnlyIsReportedAndClearsWhenWritableAgain() {
        open(List.of(ROOT, CONTAINERD));
        host.use(ROOT, 10, 10);
        host.use(CONTAINERD, 10, 10);
        look();
        assertThat(condition("MountReadOnly").status()).isEqualTo(ConditionStatus.FALSE);

        host.mountInfo("containerd-remounted-ro.txt");
        look();
        assertThat(condition("MountReadOnly")).isEqualTo(new Condition("MountReadOnly", ConditionStatus.TRUE, "MountReadOnly",
                "/var/lib/containerd: /dev/nvme1n1 on /var/lib/containerd (xfs) is read-only (the filesystem itself; the kernel remounts it so after errors)",
                clock.instant()));

        host.mountInfo("node.txt");
        look();
        assertThat(condition("MountReadOnly").status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aMountReadOnlyFromTheStartIsNotAChange() {
        host.mountInfo("containerd-remounted-ro.txt");
        open(List.of(CONTAINERD));
        host.use(CONTAINERD, 10, 10);
        look();
        look();
        assertThat(condition("MountReadOnly").status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void unreadableFiguresAreUnknownNamingThePathAndTheError() {
        open(List.of(ROOT));
        host.fail(ROOT, "statvfs(/) failed: Permission denied (errno 13)");
        look();
        assertThat(condition("DiskFilling")).isEqualTo(new Condition("DiskFilling", ConditionStatus.UNKNOWN, "DiskStatsUnavailable",
                "/: statvfs(/) failed: Permission denied (errno 13)", clock.instant()));
        assertThat(condition("DiskFillingFast").status()).isEqualTo(ConditionStatus.UNKNOWN);
    }

    @Test
    void anUnreadableMountTableIsUnknownForMountReadOnlyOnly() {
        open(List.of(ROOT));
        host.use(ROOT, 10, 10);
        host.mountInfo(null);
        look();
        assertThat(condition("MountReadOnly").status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(condition("MountReadOnly").message()).isEqualTo("/proc/self/mountinfo cannot be read: /proc/self/mountinfo: Permission denied");
        assertThat(condition("DiskFilling").status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void byDefaultTheRootAndTheDataDirectoriesThatExistAreWatchedOncePerFilesystem() {
        open(new DiskPressureConfig(null, null, null, null, null, null, null, null));
        host.use(ROOT, 10, 10);
        host.use(KUBELET, 85, 10);
        // /var/lib/containerd is on the same filesystem (259:3) as /var/lib/kubelet: watched once, by the first name.
        assertThat(look()).extracting(Reading::path).containsExactly(ROOT, KUBELET);
        assertThat(condition("DiskFilling").message()).isEqualTo("/var/lib/kubelet: 85 % bytes used");
    }

    @Test
    void predictionsAreWrittenInStepsPeopleRead() {
        assertThat(DiskPressureDaemon.text(Duration.ofSeconds(20))).isEqualTo("under a minute");
        assertThat(DiskPressureDaemon.text(Duration.ofMinutes(42))).isEqualTo("42m");
        assertThat(DiskPressureDaemon.text(Duration.ofMinutes(137))).isEqualTo("2h10m");
        assertThat(DiskPressureDaemon.text(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(DiskPressureDaemon.text(Duration.ofDays(5))).isEqualTo("5d");
    }

    @Test
    void theDaemonDeclaresItsThreeConditions() {
        assertThat(daemon.name()).isEqualTo("disk-pressure");
        assertThat(daemon.conditions(new DiskPressureConfig(null, null, null, null, null, null, null, null)))
                .extracting(d -> d.type() + "/" + d.reason())
                .containsExactly("DiskFilling/DiskHasSpace", "DiskFillingFast/DiskNotFillingFast", "MountReadOnly/MountsWritable");
    }

    @Test
    void theSchedulerLooksWithoutBeingAsked() throws Exception {
        host.use(ROOT, 95, 10);
        context = new RecordingDaemonContext<>(daemon, new DiskPressureConfig(List.of(ROOT), Duration.ofMillis(20), null, null, null, null, null,
                Duration.ofSeconds(1)), clock);
        daemon.start(context);
        RecordingDaemonContext.awaitTrue("DiskFilling to become True", Duration.ofSeconds(10),
                () -> context.condition("DiskFilling").status() == ConditionStatus.TRUE);
        assertThat(context.failures()).isEmpty();
    }

    @Test
    void configBindsFromYamlWithDefaultsAndRefusesBadLevels() throws Exception {
        ConfigBinder binder = new ConfigBinder();
        DiskPressureConfig config = binder.bind("disk-pressure.yaml", """
                mounts: [/var/lib/containerd]
                bytesRaisePercent: 88
                fillHorizon: 6h
                """, DiskPressureConfig.class);
        assertThat(config.bytesClearPercent()).isEqualTo(83.0);
        assertThat(config.inodesRaisePercent()).isEqualTo(90.0);
        assertThat(config.fillHorizon()).isEqualTo(Duration.ofHours(6));
        DiskPressureConfig defaults = binder.defaults(DiskPressureConfig.class);
        assertThat(defaults.bytesRaisePercent()).isEqualTo(80.0);
        assertThat(defaults.bytesClearPercent()).isEqualTo(75.0);
        assertThat(defaults.inodesClearPercent()).isEqualTo(85.0);
        assertThat(defaults.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.trendWindow()).isEqualTo(Duration.ofHours(1));

        assertThatThrownBy(() -> binder.bind("d.yaml", "bytesRaisePercent: 80\nbytesClearPercent: 85\n", DiskPressureConfig.class))
                .hasMessageContaining("bytesClearPercent: 85.0 must be below bytesRaisePercent (80.0)");
        assertThatThrownBy(() -> binder.bind("d.yaml", "mounts: [var/lib/kubelet]\n", DiskPressureConfig.class))
                .hasMessageContaining("mounts: \"var/lib/kubelet\" is relative");
        assertThatThrownBy(() -> binder.bind("d.yaml", "trendWindow: 5m\n", DiskPressureConfig.class))
                .hasMessageContaining("trendWindow: PT5M is too short for interval PT30S");
        assertThatThrownBy(() -> binder.bind("d.yaml", "bytesRaise: 80\n", DiskPressureConfig.class))
                .hasMessageContaining("unknown field \"bytesRaise\"");
    }
}
