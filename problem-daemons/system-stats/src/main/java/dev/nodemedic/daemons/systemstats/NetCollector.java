package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * NPD's net component, from {@code /proc/net/dev}: sixteen running totals per interface, labelled
 * {@code interface_name}. With {@code hostNetwork} (the DaemonSet's), the pod sees the node's interfaces.
 */
final class NetCollector implements Collector {
    /** /proc/net/dev's columns in order, after the interface name. */
    private static final NpdMetric[] COLUMNS = {
        NpdMetric.NET_RX_BYTES, NpdMetric.NET_RX_PACKETS, NpdMetric.NET_RX_ERRORS, NpdMetric.NET_RX_DROPPED,
        NpdMetric.NET_RX_FIFO, NpdMetric.NET_RX_FRAME, NpdMetric.NET_RX_COMPRESSED, NpdMetric.NET_RX_MULTICAST,
        NpdMetric.NET_TX_BYTES, NpdMetric.NET_TX_PACKETS, NpdMetric.NET_TX_ERRORS, NpdMetric.NET_TX_DROPPED,
        NpdMetric.NET_TX_FIFO, NpdMetric.NET_TX_COLLISIONS, NpdMetric.NET_TX_CARRIER, NpdMetric.NET_TX_COMPRESSED,
    };

    private final Path netDev;
    private final Optional<Pattern> excluded;

    NetCollector(HostPaths paths, Optional<Pattern> excluded) {
        this.netDev = paths.proc().resolve("net/dev");
        this.excluded = excluded;
    }

    @Override
    public NpdMetric.Component component() {
        return NpdMetric.Component.NET;
    }

    @Override
    public void collect(Instant now, Samples out) throws IOException {
        ProcText text = ProcText.read(netDev);
        while (text.nextLine()) {
            String name = text.label();
            // The two header lines have no colon before their columns' names ("Inter-|", " face |bytes").
            if (name.isEmpty() || name.indexOf('|') >= 0 || excluded.map(p -> p.matcher(name).find()).orElse(false)) {
                continue;
            }
            Map<String, String> labels = Map.of("interface_name", name);
            for (NpdMetric column : COLUMNS) {
                out.add(column, labels, text.number());
            }
        }
    }
}
