package dev.nodemedic.daemons.diskpressure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node as the agent sees it: statvfs(3) and its own mount namespace's mountinfo. */
final class LinuxHost implements Host {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private final Statvfs statvfs = new Statvfs();

    @Override
    public Usage usage(Path path) throws IOException {
        return statvfs.usage(path);
    }

    @Override
    public String mountInfo() throws IOException {
        return Files.readString(MOUNTINFO);
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }
}
