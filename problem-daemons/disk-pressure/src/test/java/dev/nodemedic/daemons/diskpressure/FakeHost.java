package dev.nodemedic.daemons.diskpressure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A node whose disks a test fills and empties by hand, with mountinfo from src/test/resources/mountinfo. */
final class FakeHost implements Host {
    private final Map<Path, Usage> usage = new ConcurrentHashMap<>();
    private final Map<Path, String> failures = new ConcurrentHashMap<>();
    private final Set<Path> existing;
    private volatile String mountInfo;

    FakeHost(String mountInfoFixture, Path... existing) {
        this.existing = Set.of(existing);
        mountInfo(mountInfoFixture);
    }

    /** Switches to another mountinfo fixture, as if the kernel had remounted something. */
    void mountInfo(String fixture) {
        if (fixture == null) {
            mountInfo = null;
            return;
        }
        try (InputStream in = FakeHost.class.getResourceAsStream("/mountinfo/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + fixture + " in src/test/resources/mountinfo");
            }
            mountInfo = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets {@code path}'s filesystem to {@code percent} bytes used of 100 GiB and the given inodes used of a million. */
    void use(Path path, double bytesPercent, double inodesPercent) {
        long total = 100L << 30;
        long inodes = 1_000_000;
        usage.put(path, new Usage(total, (long) (total * (100 - bytesPercent) / 100), inodes, (long) (inodes * (100 - inodesPercent) / 100)));
        failures.remove(path);
    }

    void fail(Path path, String why) {
        failures.put(path, why);
    }

    @Override
    public Usage usage(Path path) throws IOException {
        String failure = failures.get(path);
        if (failure != null) {
            throw new IOException(failure);
        }
        Usage u = usage.get(path);
        if (u == null) {
            throw new IOException("statvfs(" + path + ") failed: No such file or directory (errno 2)");
        }
        return u;
    }

    @Override
    public String mountInfo() throws IOException {
        if (mountInfo == null) {
            throw new IOException("/proc/self/mountinfo: Permission denied");
        }
        return mountInfo;
    }

    @Override
    public boolean exists(Path path) {
        return existing.contains(path);
    }
}
