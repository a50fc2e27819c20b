package dev.nodemedic.daemons.systemd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A real shell script in a test's folder standing in for systemctl: {@link #answering} records how it
 * was called and prints what the test last said the unit shows, as {@code systemctl show} would.
 * Shared through this module's test-jar with the plugins that count restarts.
 */
public final class StandInSystemctl {
    private final Path dir;
    private final Path path;

    private StandInSystemctl(Path dir, String script) throws IOException {
        this.dir = dir;
        this.path = dir.resolve("systemctl");
        Files.writeString(path, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Prints the file {@code show} in {@code dir} and writes its arguments to {@code args}. */
    public static StandInSystemctl answering(Path dir) throws IOException {
        return new StandInSystemctl(dir, "echo \"$@\" > '" + dir.resolve("args") + "'\ncat '" + dir.resolve("show") + "'");
    }

    /** Runs {@code script} (a /bin/sh body) instead, for a systemctl that fails or hangs. */
    public static StandInSystemctl running(Path dir, String script) throws IOException {
        return new StandInSystemctl(dir, script);
    }

    public Path path() {
        return path;
    }

    /** A loaded unit with this restart counter, as systemd prints it (NRestarts first, whatever was asked). */
    public void shows(long restarts) throws IOException {
        shows("NRestarts=" + restarts + "\nLoadState=loaded\n");
    }

    public void shows(String output) throws IOException {
        Files.writeString(dir.resolve("show"), output);
    }

    /** The arguments of the last run, space-separated. */
    public String lastArguments() throws IOException {
        return Files.readString(dir.resolve("args")).strip();
    }
}
