package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * NPD's memory component, from {@code /proc/meminfo} (kB, exported in bytes). {@code used} is what
 * NPD computes: total - free - buffers - cached - slab, so the states add up to the node's memory.
 */
final class MemoryCollector implements Collector {
    private final Path meminfo;

    MemoryCollector(HostPaths paths) {
        this.meminfo = paths.proc().resolve("meminfo");
    }

    @Override
    public NpdMetric.Component component() {
        return NpdMetric.Component.MEMORY;
    }

    @Override
    public void collect(Instant now, Samples out) throws IOException {
        Map<String, Long> kib = new HashMap<>();
        ProcText text = ProcText.read(meminfo);
        while (text.nextLine()) {
            String key = text.label();
            if (!key.isEmpty()) {
                kib.put(key, text.number());
            }
        }
        addBytes(out, NpdMetric.MEMORY_BYTES_USED, "free", kib.get("MemFree"));
        addBytes(out, NpdMetric.MEMORY_BYTES_USED, "buffered", kib.get("Buffers"));
        addBytes(out, NpdMetric.MEMORY_BYTES_USED, "cached", kib.get("Cached"));
        addBytes(out, NpdMetric.MEMORY_BYTES_USED, "slab", kib.get("Slab"));
        Long total = kib.get("MemTotal");
        if (total != null && kib.containsKey("MemFree") && kib.containsKey("Buffers") && kib.containsKey("Cached") && kib.containsKey("Slab")) {
            long used = total - kib.get("MemFree") - kib.get("Buffers") - kib.get("Cached") - kib.get("Slab");
            addBytes(out, NpdMetric.MEMORY_BYTES_USED, "used", used);
            if (total > 0) {
                out.add(NpdMetric.MEMORY_PERCENT_USED, Map.of("state", "used"), (double) used / total * 100.0);
            }
        }
        addBytes(out, NpdMetric.MEMORY_DIRTY_USED, "dirty", kib.get("Dirty"));
        addBytes(out, NpdMetric.MEMORY_DIRTY_USED, "writeback", kib.get("Writeback"));
        addBytes(out, NpdMetric.MEMORY_ANONYMOUS_USED, "active", kib.get("Active(anon)"));
        addBytes(out, NpdMetric.MEMORY_ANONYMOUS_USED, "inactive", kib.get("Inactive(anon)"));
        addBytes(out, NpdMetric.MEMORY_PAGE_CACHE_USED, "active", kib.get("Active(file)"));
        addBytes(out, NpdMetric.MEMORY_PAGE_CACHE_USED, "inactive", kib.get("Inactive(file)"));
        if (kib.containsKey("Unevictable")) {
            out.add(NpdMetric.MEMORY_UNEVICTABLE_USED, Map.of(), kib.get("Unevictable") * 1024.0);
        }
    }

    /** A line the kernel does not have (an old kernel, a container's fake meminfo) is left out, as NPD leaves it. */
    private static void addBytes(Samples out, NpdMetric metric, String state, Long kib) {
        if (kib != null) {
            out.add(metric, Map.of("state", state), kib * 1024.0);
        }
    }
}
