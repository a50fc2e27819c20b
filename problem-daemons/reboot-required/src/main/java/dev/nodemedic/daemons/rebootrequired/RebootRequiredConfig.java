package dev.nodemedic.daemons.rebootrequired;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param markerFile   the file whose existence means a reboot is needed (Debian/Ubuntu's default)
 * @param packagesFile the packages that asked for it, one per line, named in the condition's message
 * @param interval     how often to look; the file changes at package-upgrade pace, so seconds are plenty
 */
public record RebootRequiredConfig(Path markerFile, Path packagesFile, Duration interval) {
    public RebootRequiredConfig {
        markerFile = markerFile == null ? Path.of("/var/run/reboot-required") : markerFile;
        packagesFile = packagesFile == null ? Path.of(markerFile + ".pkgs") : packagesFile;
        interval = interval == null ? Duration.ofSeconds(10) : interval;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
    }
}
