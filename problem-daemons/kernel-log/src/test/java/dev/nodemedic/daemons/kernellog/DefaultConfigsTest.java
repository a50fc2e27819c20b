package dev.nodemedic.daemons.kernellog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.rules.Match;
import dev.nodemedic.daemons.kernellog.rules.RuleEngine;
import dev.nodemedic.daemons.kernellog.config.SourceKind;
import dev.nodemedic.daemons.kernellog.source.FileLineFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The configs the distribution ships, and which real kernel message each default rule catches. */
class DefaultConfigsTest {
    private final ConfigBinder binder = new ConfigBinder();

    private KernelLogConfig shipped(String name) throws IOException, ConfigException {
        try (InputStream in = KernelLogDaemon.class.getResourceAsStream("/config/" + name)) {
            assertThat(in).as("resource config/%s", name).isNotNull();
            return binder.bind(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), KernelLogConfig.class);
        }
    }

    @ParameterizedTest
    @CsvSource({"kernel-monitor.json, kmsg", "kernel-monitor-filelog.json, filelog", "kernel-monitor-journald.json, journald"})
    void everyShippedConfigHasTheDefaultRules(String name, String plugin) throws Exception {
        KernelLogConfig config = shipped(name);
        KernelLogConfig defaults = binder.defaults(KernelLogConfig.class);

        assertThat(config.plugin().toString()).isEqualTo(plugin);
        assertThat(config.rules()).isEqualTo(defaults.rules());
        assertThat(config.conditions()).isEqualTo(defaults.conditions());
    }

    @ParameterizedTest(name = "{0} catches: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            OOMKilling           | Out of memory: Killed process 13735 (stress) total-vm:1050788kB, anon-rss:1049012kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:2104kB oom_score_adj:0
            OOMKilling           | Memory cgroup out of memory: Killed process 3210 (java) total-vm:4183756kB, anon-rss:1046528kB, file-rss:16340kB, shmem-rss:0kB, UID:1000 pgtables:2416kB oom_score_adj:999
            TaskHung             | INFO: task kworker/u16:3:2831 blocked for more than 122 seconds.
            UnregisterNetDevice  | unregister_netdevice: waiting for eth0 to become free. Usage count = 1
            UnregisterNetDevice  | unregister_netdevice: waiting for vxlan.calico to become free. Usage count = 2
            KernelOops           | BUG: unable to handle kernel NULL pointer dereference at 0000000000000008
            KernelOops           | BUG: kernel NULL pointer dereference, address: 0000000000000008
            KernelOops           | divide error: 0000 [#1] SMP
            KernelOops           | divide error: 0000 [#1] PREEMPT SMP NOPTI
            Ext4Error            | EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0
            Ext4Warning          | EXT4-fs warning (device sda1): ext4_dx_add_entry:2235: Directory index full!
            IOError              | Buffer I/O error on dev sdb1, logical block 0, async page read
            XfsHasShutdown       | XFS (sdb1): Corruption of in-memory data detected.  Shutting down filesystem
            XfsHasShutdown       | XFS (dm-3): Log I/O Error Detected. Shutting down filesystem
            MemoryReadError      | CE memory read error on CPU_SrcID#0_MC#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x3b1a offset:0x0 grain:32 syndrome:0x0)
            FilesystemIsReadOnly | EXT4-fs (sda1): Remounting filesystem read-only
            """)
    void eachDefaultRuleCatchesARealKernelMessage(String reason, String message) throws Exception {
        assertThat(reasons(message)).containsExactly(reason);
    }

    @Test
    void aHungDockerIsATaskHungEventAndAKernelDeadlock() throws Exception {
        assertThat(reasons("INFO: task docker:12345 blocked for more than 120 seconds.")).containsExactly("TaskHung", "DockerHung");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
            "XFS (sdb1): Mounting V5 Filesystem",
            "IPv6: ADDRCONF(NETDEV_CHANGE): veth12ab34cd: link becomes ready",
            "Kill process 42 (java) score 900 or sacrifice child",
            "audit: type=1400 audit(1700000000.123:42): apparmor=\"STATUS\" operation=\"profile_replace\""})
    void ordinaryKernelChatterCatchesNothing(String message) throws Exception {
        assertThat(reasons(message)).isEmpty();
    }

    @Test
    void ourFilelogMessageExpressionKeepsTheWholeMessageWhereNpdsLosesIt() throws Exception {
        String line = "Nov 23 12:00:01 node-1 kernel: [ 3600.123456] divide error: 0000 [#1] SMP";
        KernelLogConfig ours = shipped("kernel-monitor-filelog.json");
        List<String> seen = new ArrayList<>();

        // NPD's kernel-monitor-filelog.json: "kernel: \[.*\] (.*)" runs to the last ']' of the line.
        new FileLineFormat("^.{15}", "kernel: \\[.*\\] (.*)", "Jan _2 15:04:05", ZoneOffset.UTC, java.time.Clock.systemUTC())
                .translate(line, (at, message) -> seen.add(message));
        new FileLineFormat(ours.pluginConfig().timestamp(), ours.pluginConfig().message(), ours.pluginConfig().timestampFormat(), ZoneOffset.UTC,
                java.time.Clock.systemUTC()).translate(line, (at, message) -> seen.add(message));

        assertThat(seen).containsExactly("SMP", "divide error: 0000 [#1] SMP");
        assertThat(ours.plugin()).isEqualTo(SourceKind.FILELOG);
    }

    private List<String> reasons(String message) throws ConfigException {
        KernelLogConfig config = binder.defaults(KernelLogConfig.class);
        RuleEngine engine = new RuleEngine(config.rules(), config.bufferSize());
        List<String> reasons = new ArrayList<>();
        engine.push(message, Instant.EPOCH, (Match m) -> reasons.add(m.rule().reason()));
        return reasons;
    }
}
