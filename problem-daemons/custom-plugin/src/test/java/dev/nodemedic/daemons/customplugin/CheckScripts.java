package dev.nodemedic.daemons.customplugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The test scripts of src/test/resources/scripts, copied into a test's directory with the modes a node
 * would give them: the build's resource copy does not keep the executable bit.
 */
final class CheckScripts {
    private final Path dir;

    CheckScripts(Path dir) {
        this.dir = dir;
    }

    /** The script {@code name}, executable. */
    Path executable(String name) {
        return install(name, "rwxr-xr-x");
    }

    /** The script {@code name}, readable but not executable. */
    Path readOnly(String name) {
        return install(name, "rw-r--r--");
    }

    private Path install(String name, String mode) {
        Path target = dir.resolve(name);
        try (InputStream in = CheckScripts.class.getResourceAsStream("/scripts/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test script " + name + " in src/test/resources/scripts");
            }
            if (!Files.exists(target)) {
                Files.copy(in, target);
            }
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(mode));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
