package dev.nodemedic.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** The files of a distribution the build assembled (detector-core's or remedy-controller's), which an image must hold as they are. */
final class DistributionFiles {
    private DistributionFiles() {
    }

    /** The jars directly in {@code folder}, sorted. */
    static List<Path> jars(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = ImageRoot.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
