package dev.nodemedic.daemons.diskpressure;

import java.io.IOException;
import java.nio.file.Path;

/** What the daemon reads from the node: the seam tests replace to step usage over time. */
interface Host {

    /** statvfs(3) of the filesystem holding {@code path}. */
    Usage usage(Path path) throws IOException;

    /** The text of /proc/self/mountinfo. */
    String mountInfo() throws IOException;

    /** Whether {@code path} exists, to pick the default mounts. */
    boolean exists(Path path);
}
