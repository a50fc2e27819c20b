package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * NPD's cpu component: load averages from {@code /proc/loadavg}; CPU time, forks, interrupts and
 * process counts from {@code /proc/stat}.
 *
 * <p>Units follow what NPD exports, not what its help texts say: {@code cpu_usage_time} is in clock
 * ticks (USER_HZ, 1/100 s) because NPD multiplies gopsutil's seconds by 100, and
 * {@code system_cpu_stat} is in seconds. Counters are the kernel's running totals, which is the value
 * NPD's sums of per-cycle differences come to.
 */
final class CpuCollector implements Collector {
    /** USER_HZ, the unit of /proc/stat's times; 100 on every architecture Kubernetes nodes run (NPD assumes it too). */
    static final double TICKS_PER_SECOND = 100.0;
    /** /proc/stat's columns after the cpu name, with the states NPD labels them with. */
    private static final String[] USAGE_STATES = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"};
    /** The same columns as NPD labels them in system/cpu_stat (prometheus/procfs field names). */
    private static final String[] STAGES = {"user", "nice", "system", "idle", "iowait", "iRQ", "softIRQ", "steal", "guest", "guestNice"};

    private final Path loadavg;
    private final Path stat;

    CpuCollector(HostPaths paths) {
        this.loadavg = paths.proc().resolve("loadavg");
        this.stat = paths.proc().resolve("stat");
    }

    @Override
    public NpdMetric.Component component() {
        return NpdMetric.Component.CPU;
    }

    @Override
    public void collect(Instant now, Samples out) throws IOException {
        if (out.wants(NpdMetric.CPU_RUNNABLE_TASK_COUNT) || out.wants(NpdMetric.CPU_LOAD_1M) || out.wants(NpdMetric.CPU_LOAD_5M) || out.wants(NpdMetric.CPU_LOAD_15M)) {
            ProcText text = ProcText.read(loadavg);
            text.nextLine();
            double load1 = text.decimal();
            double load5 = text.decimal();
            double load15 = text.decimal();
            out.add(NpdMetric.CPU_RUNNABLE_TASK_COUNT, Map.of(), load1);
            out.add(NpdMetric.CPU_LOAD_1M, Map.of(), load1);
            out.add(NpdMetric.CPU_LOAD_5M, Map.of(), load5);
            out.add(NpdMetric.CPU_LOAD_15M, Map.of(), load15);
        }
        if (out.wants(NpdMetric.CPU_USAGE_TIME) || out.wants(NpdMetric.SYSTEM_CPU_STAT) || out.wants(NpdMetric.SYSTEM_PROCESSES_TOTAL)
                || out.wants(NpdMetric.SYSTEM_PROCS_RUNNING) || out.wants(NpdMetric.SYSTEM_PROCS_BLOCKED) || out.wants(NpdMetric.SYSTEM_INTERRUPTS_TOTAL)) {
            readStat(ProcText.read(stat), out);
        }
    }

    private static void readStat(ProcText text, Samples out) throws IOException {
        while (text.nextLine()) {
            String key = text.word();
            if (key.equals("cpu")) {
                for (String state : USAGE_STATES) {
                    out.add(NpdMetric.CPU_USAGE_TIME, Map.of("state", state), optionalNumber(text));
                }
            } else if (key.startsWith("cpu")) {
                for (String stage : STAGES) {
                    out.add(NpdMetric.SYSTEM_CPU_STAT, Map.of("cpu", key, "stage", stage), optionalNumber(text) / TICKS_PER_SECOND);
                }
            } else if (key.equals("intr")) {
                out.add(NpdMetric.SYSTEM_INTERRUPTS_TOTAL, Map.of(), text.number());
            } else if (key.equals("processes")) {
                out.add(NpdMetric.SYSTEM_PROCESSES_TOTAL, Map.of(), text.number());
            } else if (key.equals("procs_running")) {
                out.add(NpdMetric.SYSTEM_PROCS_RUNNING, Map.of(), text.number());
            } else if (key.equals("procs_blocked")) {
                out.add(NpdMetric.SYSTEM_PROCS_BLOCKED, Map.of(), text.number());
            }
        }
    }

    /** Older kernels have fewer columns (guest_nice came in 2.6.33); a missing one is 0, as procfs reads it. */
    private static long optionalNumber(ProcText text) throws IOException {
        String word = text.word();
        if (word.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new IOException("/proc/stat: expected a number of ticks, found \"" + word + "\"");
        }
    }
}
