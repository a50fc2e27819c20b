package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.time.Instant;

/** One component of NPD's system-stats-monitor (cpu, disk, ...): reads its sources once per cycle. */
interface Collector {

    /** The component, to name in messages and to know whether the config asks for it. */
    NpdMetric.Component component();

    /**
     * Reads the sources and records what the config wants into {@code out}.
     *
     * @throws IOException naming the file that could not be read; the cycle goes on with the other components
     */
    void collect(Instant now, Samples out) throws IOException;
}
