package dev.nodemedic.daemons.systemstats;

import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU per collection cycle on this machine's /proc, for docs/benchmarks.md: the thread's CPU time for
 * the first cycle (classes loading), the next ten (interpreted, as at NPD's 60 s period the JIT has
 * little reason to compile), and cycles 1001-1100 (compiled), with the series a cycle publishes.
 *
 *   java -cp ... dev.nodemedic.daemons.systemstats.CycleProbe CONFIG.json
 */
public final class CycleProbe {
    private CycleProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path configFile = Path.of(args[0]);
        SystemStatsConfig config = new ConfigBinder().bind(configFile, SystemStatsConfig.class);
        SystemStatsCycle cycle = new SystemStatsCycle(config, HostPaths.of(System.getenv(), Optional.ofNullable(config.procPath())), Optional.of(configFile),
                System.getLogger("cycle-probe"));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Instant now = Instant.parse("2026-12-07T05:00:00Z");

        long before = threads.getCurrentThreadCpuTime();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        List<MetricFamily> first = cycle.collect(now);
        long firstNs = threads.getCurrentThreadCpuTime() - before;
        long firstBytes = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

        long[] cold = new long[10];
        for (int i = 0; i < cold.length; i++) {
            now = now.plusSeconds(60);
            before = threads.getCurrentThreadCpuTime();
            cycle.collect(now);
            cold[i] = threads.getCurrentThreadCpuTime() - before;
        }
        for (int i = 0; i < 990; i++) {
            now = now.plusSeconds(60);
            cycle.collect(now);
        }
        long[] warm = new long[100];
        long warmBytes = 0;
        List<MetricFamily> last = List.of();
        for (int i = 0; i < warm.length; i++) {
            now = now.plusSeconds(60);
            before = threads.getCurrentThreadCpuTime();
            allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            last = cycle.collect(now);
            warm[i] = threads.getCurrentThreadCpuTime() - before;
            warmBytes += threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        }
        int series = last.stream().mapToInt(f -> f.samples().size()).sum();
        System.out.printf("config %s: components %s, %d families, %d series (first cycle: %d families)%n", configFile.getFileName(),
                cycle.components().stream().map(c -> c.section).toList(), last.size(), series, first.size());
        System.out.printf("cycle 1 (cold, classes loading): %.2f ms CPU, %d KiB allocated%n", firstNs / 1e6, firstBytes / 1024);
        System.out.printf("cycles 2-11 (interpreted): median %.2f ms CPU, max %.2f ms%n", median(cold) / 1e6, Arrays.stream(cold).max().orElse(0) / 1e6);
        System.out.printf("cycles 1002-1101 (compiled): median %.3f ms CPU, %d KiB allocated per cycle%n", median(warm) / 1e6, warmBytes / warm.length / 1024);
        double share = median(cold) / 1e9 / config.invokeInterval().toSeconds() * 100;
        System.out.printf("share of one core at invokeInterval %s, interpreted cycles: %.4f %%%n", config.invokeInterval(), share);
        if (!cycle.failing().isEmpty()) {
            System.out.println("components that could not be read: " + cycle.failing());
        }
        Map<String, Integer> perFamily = new java.util.TreeMap<>();
        last.forEach(f -> perFamily.put(f.name(), f.samples().size()));
        System.out.println("series per family: " + perFamily);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
