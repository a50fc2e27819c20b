package dev.nodemedic.daemons.systemstats;

import dev.nodemedic.daemon.api.MetricFamily.Type;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every metric NPD's system-stats-monitor knows, under the id its config file keys
 * {@code metricsConfigs} with ({@code cpu/usage_time}), with the component that collects it and the
 * type NPD's exporter gives it: a {@code Sum} view is a Prometheus counter, a {@code LastValue} view a gauge.
 * Help texts are NPD's descriptions, so a scrape reads as NPD's does.
 */
enum NpdMetric {
    CPU_RUNNABLE_TASK_COUNT(Component.CPU, "cpu/runnable_task_count", Type.GAUGE, "The average number of runnable tasks in the run-queue during the last minute"),
    CPU_USAGE_TIME(Component.CPU, "cpu/usage_time", Type.COUNTER, "CPU usage, in seconds"),
    CPU_LOAD_1M(Component.CPU, "cpu/load_1m", Type.GAUGE, "CPU average load (1m)"),
    CPU_LOAD_5M(Component.CPU, "cpu/load_5m", Type.GAUGE, "CPU average load (5m)"),
    CPU_LOAD_15M(Component.CPU, "cpu/load_15m", Type.GAUGE, "CPU average load (15m)"),
    SYSTEM_PROCESSES_TOTAL(Component.CPU, "system/processes_total", Type.COUNTER, "Number of forks since boot."),
    SYSTEM_PROCS_RUNNING(Component.CPU, "system/procs_running", Type.GAUGE, "Number of processes currently running."),
    SYSTEM_PROCS_BLOCKED(Component.CPU, "system/procs_blocked", Type.GAUGE, "Number of processes currently blocked."),
    SYSTEM_INTERRUPTS_TOTAL(Component.CPU, "system/interrupts_total", Type.COUNTER, "Total number of interrupts serviced (cumulative)."),
    SYSTEM_CPU_STAT(Component.CPU, "system/cpu_stat", Type.COUNTER, "Cumulative time each cpu spent in various stages."),

    DISK_IO_TIME(Component.DISK, "disk/io_time", Type.COUNTER, "The IO time spent on the disk, in ms"),
    DISK_WEIGHTED_IO(Component.DISK, "disk/weighted_io", Type.COUNTER, "The weighted IO on the disk, in ms"),
    DISK_AVG_QUEUE_LEN(Component.DISK, "disk/avg_queue_len", Type.GAUGE, "The average queue length on the disk"),
    DISK_OPERATION_COUNT(Component.DISK, "disk/operation_count", Type.COUNTER, "Disk operations count"),
    DISK_MERGED_OPERATION_COUNT(Component.DISK, "disk/merged_operation_count", Type.COUNTER, "Disk merged operations count"),
    DISK_OPERATION_BYTES_COUNT(Component.DISK, "disk/operation_bytes_count", Type.COUNTER, "Bytes transferred in disk operations"),
    DISK_OPERATION_TIME(Component.DISK, "disk/operation_time", Type.COUNTER, "Time spent in disk operations, in ms"),
    DISK_BYTES_USED(Component.DISK, "disk/bytes_used", Type.GAUGE, "Disk bytes used, in Bytes"),
    DISK_PERCENT_USED(Component.DISK, "disk/percent_used", Type.GAUGE, "Disk utilization percentage"),

    HOST_UPTIME(Component.HOST, "host/uptime", Type.GAUGE, "The uptime of the operating system"),

    MEMORY_BYTES_USED(Component.MEMORY, "memory/bytes_used", Type.GAUGE,
            "Memory usage by each memory state, in Bytes. Summing values of all states yields the total memory on the node."),
    MEMORY_PERCENT_USED(Component.MEMORY, "memory/percent_used", Type.GAUGE, "Memory usage in percentage of total memory."),
    MEMORY_ANONYMOUS_USED(Component.MEMORY, "memory/anonymous_used", Type.GAUGE,
            "Anonymous memory usage, in Bytes. Summing values of all states yields the total anonymous memory used."),
    MEMORY_PAGE_CACHE_USED(Component.MEMORY, "memory/page_cache_used", Type.GAUGE,
            "Page cache memory usage, in Bytes. Summing values of all states yields the total anonymous memory used."),
    MEMORY_UNEVICTABLE_USED(Component.MEMORY, "memory/unevictable_used", Type.GAUGE, "Unevictable memory usage, in Bytes"),
    MEMORY_DIRTY_USED(Component.MEMORY, "memory/dirty_used", Type.GAUGE,
            "Dirty pages usage, in Bytes. Dirty means the memory is waiting to be written back to disk, and writeback means the memory is actively being written back to disk."),

    OS_FEATURE(Component.OS_FEATURE, "system/os_feature", Type.GAUGE,
            "OS Features like GPU support, KTD kernel, third party modules as unknown modules. 1 if the feature is enabled and 0, if disabled."),

    NET_RX_BYTES(Component.NET, "net/rx_bytes", Type.COUNTER, "Cumulative count of bytes received."),
    NET_RX_PACKETS(Component.NET, "net/rx_packets", Type.COUNTER, "Cumulative count of packets received."),
    NET_RX_ERRORS(Component.NET, "net/rx_errors", Type.COUNTER, "Cumulative count of receive errors encountered."),
    NET_RX_DROPPED(Component.NET, "net/rx_dropped", Type.COUNTER, "Cumulative count of packets dropped while receiving."),
    NET_RX_FIFO(Component.NET, "net/rx_fifo", Type.COUNTER, "Cumulative count of FIFO buffer errors."),
    NET_RX_FRAME(Component.NET, "net/rx_frame", Type.COUNTER, "Cumulative count of packet framing errors."),
    NET_RX_COMPRESSED(Component.NET, "net/rx_compressed", Type.COUNTER, "Cumulative count of compressed packets received by the device driver."),
    NET_RX_MULTICAST(Component.NET, "net/rx_multicast", Type.COUNTER, "Cumulative count of multicast frames received by the device driver."),
    NET_TX_BYTES(Component.NET, "net/tx_bytes", Type.COUNTER, "Cumulative count of bytes transmitted."),
    NET_TX_PACKETS(Component.NET, "net/tx_packets", Type.COUNTER, "Cumulative count of packets transmitted."),
    NET_TX_ERRORS(Component.NET, "net/tx_errors", Type.COUNTER, "Cumulative count of transmit errors encountered."),
    NET_TX_DROPPED(Component.NET, "net/tx_dropped", Type.COUNTER, "Cumulative count of packets dropped while transmitting."),
    NET_TX_FIFO(Component.NET, "net/tx_fifo", Type.COUNTER, "Cumulative count of FIFO buffer errors."),
    NET_TX_COLLISIONS(Component.NET, "net/tx_collisions", Type.COUNTER, "Cumulative count of collisions detected on the interface."),
    NET_TX_CARRIER(Component.NET, "net/tx_carrier", Type.COUNTER, "Cumulative count of carrier losses detected by the device driver."),
    NET_TX_COMPRESSED(Component.NET, "net/tx_compressed", Type.COUNTER, "Cumulative count of compressed packets transmitted by the device driver.");

    /** The sections of NPD's config file, each read by one collector. */
    enum Component {
        CPU("cpu"), DISK("disk"), HOST("host"), MEMORY("memory"), OS_FEATURE("osFeature"), NET("net");

        final String section;

        Component(String section) {
            this.section = section;
        }
    }

    final Component component;
    final String id;
    final Type type;
    final String help;

    NpdMetric(Component component, String id, Type type, String help) {
        this.component = component;
        this.id = id;
        this.type = type;
        this.help = help;
    }

    static Optional<NpdMetric> byId(Component component, String id) {
        return Arrays.stream(values()).filter(m -> m.component == component && m.id.equals(id)).findFirst();
    }

    static String idsOf(Component component) {
        return String.join(", ", Arrays.stream(values()).filter(m -> m.component == component).map(m -> m.id).toList());
    }

    /**
     * The Prometheus name of a display name, as NPD's exporter writes it: every character but
     * letters, digits and {@code _} becomes {@code _} ({@code cpu/usage_time} is {@code cpu_usage_time}),
     * and a name that would start with a digit or {@code _} gets {@code key} in front.
     */
    static String prometheusName(String displayName) {
        StringBuilder name = new StringBuilder(displayName.length() + 4);
        if (Character.isDigit(displayName.charAt(0))) {
            name.append('_');
        }
        for (int i = 0; i < displayName.length(); i++) {
            char c = displayName.charAt(i);
            name.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return name.charAt(0) == '_' ? "key" + name : name.toString();
    }
}
