package dev.nodemedic.daemons.kernellog.rules;

import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.source.FileLineFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The matching engine alone on the standard workload: the messages of a gen_kernlog.py file (read and
 * stripped of their syslog prefix once, in setup) pushed through the rules. One operation is one
 * line, so the score is lines per second.
 *
 * <p>Rule sets: {@code shipped} is our config/kernel-monitor.json; {@code npd} is NPD's upstream
 * kernel-monitor.json rules as they are, mistakes included (test data, not shipped).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuleEngineBenchmark {
    static final List<Rule> NPD_KERNEL_MONITOR = List.of(
            Rule.temporary("OOMKilling", "Killed process \\d+ (.+) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:\\d+kB.*"),
            Rule.temporary("TaskHung", "task [\\S ]+:\\w+ blocked for more than \\w+ seconds\\."),
            Rule.temporary("UnregisterNetDevice", "unregister_netdevice: waiting for \\w+ to become free. Usage count = \\d+"),
            Rule.temporary("KernelOops", "BUG: unable to handle kernel NULL pointer dereference at .*"),
            Rule.temporary("KernelOops", "divide error: 0000 \\[#\\d+\\] SMP"),
            Rule.temporary("Ext4Error", "EXT4-fs error .*"),
            Rule.temporary("Ext4Warning", "EXT4-fs warning .*"),
            Rule.temporary("IOError", "Buffer I/O error .*"),
            Rule.permanent("XfsShutdown", "XfsHasShutdown", "XFS .* Shutting down filesystem.?"),
            Rule.temporary("MemoryReadError", "CE memory read error .*"),
            Rule.permanent("KernelDeadlock", "DockerHung", "task docker:\\w+ blocked for more than \\w+ seconds\\."),
            Rule.permanent("ReadonlyFilesystem", "FilesystemIsReadOnly", "Remounting filesystem read-only"));

    /** A gen_kernlog.py file in the kern format; the script passes it with -p log=FILE. */
    @Param("")
    public String log;

    @Param({"shipped", "npd"})
    public String rules;

    private String[] messages;
    private Instant[] timestamps;
    private RuleEngine engine;
    private int next;
    private long matches;

    @Setup(Level.Trial)
    public void load() throws IOException {
        if (log.isEmpty()) {
            throw new IllegalStateException("pass the workload with -p log=FILE (python3 shared/bench/gen_kernlog.py --lines 1000000 --seed 42 --out FILE)");
        }
        FileLineFormat format = new FileLineFormat("^.{15}", "kernel: (?:\\[\\s*[\\d.]+\\] )?(.*)", "Jan _2 15:04:05", ZoneId.systemDefault(), Clock.systemUTC());
        List<String> texts = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(log), StandardCharsets.UTF_8)) {
            format.translate(line, (at, message) -> {
                texts.add(message);
                times.add(at);
            });
        }
        messages = texts.toArray(String[]::new);
        timestamps = times.toArray(Instant[]::new);
        List<Rule> ruleSet = rules.equals("npd") ? NPD_KERNEL_MONITOR : KernelRules.RULES;
        engine = new RuleEngine(ruleSet, KernelLogConfig.DEFAULT_BUFFER_SIZE);
    }

    @Benchmark
    public int pushOneLine(Blackhole blackhole) {
        int i = next;
        next = i + 1 == messages.length ? 0 : i + 1;
        return engine.push(messages[i], timestamps[i], blackhole::consume);
    }
}
