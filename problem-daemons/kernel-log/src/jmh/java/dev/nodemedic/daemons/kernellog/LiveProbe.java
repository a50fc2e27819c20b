package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon on a live file: appends kern lines at a given rate for a given time, and measures
 * (1) line appended → event emitted / condition set by the daemon, for every problem line, and
 * (2) the CPU the daemon's reader thread used. The reporter is not in the loop.
 *
 *   LiveProbe RATE SECONDS PROBLEM_EVERY
 */
public final class LiveProbe {
    private static final Pattern PROBE = Pattern.compile("nodemedic-probe-(\\d+)");

    private LiveProbe() {
    }

    public static void main(String[] args) throws Exception {
        double rate = Double.parseDouble(args[0]);
        double seconds = Double.parseDouble(args[1]);
        int problemEvery = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("kernel-log-probe");
        Path log = dir.resolve("kern.log");
        Files.writeString(log, "");
        Files.writeString(dir.resolve("uptime"), "1000.0 1000.0\n");
        Host host = new Host(dir.resolve("no-kmsg"), List.of(log), dir.resolve("uptime"), ZoneId.systemDefault(),
                Duration.ofMillis(250), Duration.ofSeconds(6), Duration.ofSeconds(30));
        KernelLogConfig config = new ConfigBinder().defaults(KernelLogConfig.class);
        Map<Long, Long> detected = new ConcurrentHashMap<>();
        ProbeContext context = new ProbeContext(config, message -> {
            Matcher m = PROBE.matcher(message);
            if (m.find()) {
                detected.putIfAbsent(Long.parseLong(m.group(1)), System.nanoTime());
            }
        });
        KernelLogDaemon daemon = new KernelLogDaemon(host);
        daemon.start(context);

        Map<Long, Long> written = new ConcurrentHashMap<>();
        DateTimeFormatter stamp = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
        long lines = (long) (rate * seconds);
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long cpuBefore = context.readerCpu();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threadsMx = ManagementFactory.getThreadMXBean();
        long processBefore = os.getProcessCpuTime();
        long measureFrom = start;
        long heapAtWarm = 0;
        long rssAtWarm = 0;
        long writerBefore = threadsMx.getCurrentThreadCpuTime();
        long probes = 0;
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
            for (long i = 0; i < lines; i++) {
                if (i == lines / 3) {
                    // the first third warms the JIT up; CPU is measured over the rest
                    cpuBefore = context.readerCpu();
                    processBefore = os.getProcessCpuTime();
                    writerBefore = threadsMx.getCurrentThreadCpuTime();
                    measureFrom = System.nanoTime();
                    heapAtWarm = heapAfterGc();
                    rssAtWarm = rssKib();
                }
                long due = start + i * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String message;
                if (i % problemEvery == problemEvery - 1) {
                    probes++;
                    message = (probes % 2 == 0 ? "EXT4-fs (sda1): Remounting filesystem read-only nodemedic-probe-"
                            : "Buffer I/O error on device sdb1, logical block 42 nodemedic-probe-") + probes;
                    // the permanent rule's pattern must end the line, so its probe id goes first
                    if (probes % 2 == 0) {
                        message = "nodemedic-probe-" + probes + " EXT4-fs (sda1): Remounting filesystem read-only";
                    }
                } else {
                    message = "cni0: port " + i + "(veth" + Long.toHexString(i) + ") entered forwarding state";
                }
                String line = stamp.format(ZonedDateTime.now(Clock.systemDefaultZone())) + " node-1 kernel: [ 1000.000000] " + message + "\n";
                if (message.contains("nodemedic-probe-")) {
                    written.put(probes, System.nanoTime());
                }
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
        double writeSeconds = (System.nanoTime() - measureFrom) / 1e9;
        long cpu = context.readerCpu() - cpuBefore;
        long processCpu = os.getProcessCpuTime() - processBefore - (threadsMx.getCurrentThreadCpuTime() - writerBefore);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (detected.size() < probes && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        long heapAtEnd = heapAfterGc();
        long rssAtEnd = rssKib();
        daemon.stop();
        context.close();

        List<Double> latencies = new ArrayList<>();
        for (Map.Entry<Long, Long> w : written.entrySet()) {
            Long d = detected.get(w.getKey());
            if (d != null) {
                latencies.add((d - w.getValue()) / 1e6);
            }
        }
        Collections.sort(latencies);
        System.out.printf(Locale.ROOT, "rate %.0f lines/s for %.0f s: %d lines, %d problem lines, %d detected%n", rate, seconds, lines, probes, latencies.size());
        if (!latencies.isEmpty()) {
            System.out.printf(Locale.ROOT, "latency appended -> reported by the daemon: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    pct(latencies, 0.50), pct(latencies, 0.99), latencies.getLast());
        }
        System.out.printf(Locale.ROOT, "after warm-up, reader thread CPU: %.3f s over %.1f s = %.2f %% of one core%n", cpu / 1e9, writeSeconds, 100.0 * cpu / 1e9 / writeSeconds);
        System.out.printf(Locale.ROOT, "memory after warm-up -> at the end: heap after GC %,d -> %,d KiB, RSS %,d -> %,d KiB%n",
                heapAtWarm / 1024, heapAtEnd / 1024, rssAtWarm, rssAtEnd);
        System.out.printf(Locale.ROOT, "process CPU less the writer thread (JIT, GC, watch service included): %.3f s over %.1f s = %.2f %% of one core%n",
                processCpu / 1e9, writeSeconds, 100.0 * processCpu / 1e9 / writeSeconds);
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKib() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** A DaemonContext that timestamps what the daemon reports. */
    private static final class ProbeContext implements DaemonContext<KernelLogConfig>, AutoCloseable {
        private final KernelLogConfig config;
        private final java.util.function.Consumer<String> reported;
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        ProbeContext(KernelLogConfig config, java.util.function.Consumer<String> reported) {
            this.config = config;
            this.reported = reported;
        }

        long readerCpu() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long total = 0;
            for (Thread t : threads) {
                long cpu = mx.getThreadCpuTime(t.threadId());
                if (cpu > 0) {
                    total += cpu;
                }
            }
            return total;
        }

        @Override
        public String instanceName() {
            return "kernel-log";
        }

        @Override
        public KernelLogConfig config() {
            return config;
        }

        @Override
        public Optional<Path> configFile() {
            return Optional.empty();
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }

        @Override
        public ThreadFactory threads() {
            return r -> {
                Thread t = new Thread(r, "kernel-log-source");
                t.setDaemon(true);
                threads.add(t);
                return t;
            };
        }

        @Override
        public System.Logger logger() {
            return System.getLogger("kernel-log");
        }

        @Override
        public void setCondition(String type, ConditionStatus status, String reason, String message) {
            reported.accept(message);
        }

        @Override
        public void emit(Event event) {
            reported.accept(event.message());
        }

        @Override
        public String defaultEventSource() {
            return "kernel-log";
        }

        @Override
        public void fail(Throwable cause) {
            cause.printStackTrace();
        }

        @Override
        public void close() {
            scheduler.shutdownNow();
        }
    }
}
