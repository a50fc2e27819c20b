package dev.nodemedic.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An image's root file system, unpacked layer over layer as a container runtime does it (whiteouts
 * included), with what the layers said about every path: the files the image really holds, not the
 * folders the build staged them from.
 */
final class ImageRoot {
    /** One path of the image as the top-most layer holding it left it. */
    record Entry(String path, Kind kind, int mode, long size, String sha256, String linkTarget, FileTime modified) {
        enum Kind { FILE, DIRECTORY, SYMLINK, HARDLINK }
    }

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final Path root;
    private final Map<String, Entry> entries;

    private ImageRoot(Path root, Map<String, Entry> entries) {
        this.root = root;
        this.entries = entries;
    }

    static ImageRoot unpack(List<Path> layers, Path root) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        for (Path layer : layers) {
            try (InputStream in = Files.newInputStream(layer); TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    apply(layer, tar, entry, root, entries);
                }
            }
        }
        return new ImageRoot(root, entries);
    }

    private static void apply(Path layer, TarArchiveInputStream tar, TarArchiveEntry entry, Path root, Map<String, Entry> entries) throws IOException {
        String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
        Path target = inside(root, name, layer);
        String base = target.getFileName() == null ? "" : target.getFileName().toString();
        if (base.equals(OPAQUE)) {
            // An opaque folder hides what lower layers put in it (image-spec layer.md, "Opaque Whiteout").
            Path folder = target.getParent();
            try (Stream<Path> children = Files.list(folder)) {
                for (Path child : children.toList()) {
                    delete(child);
                }
            }
            String prefix = root.relativize(folder) + "/";
            entries.keySet().removeIf(path -> path.startsWith(prefix));
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            Path hidden = target.resolveSibling(base.substring(WHITEOUT.length()));
            delete(hidden);
            String path = root.relativize(hidden).toString();
            entries.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
            return;
        }
        if (!entry.isDirectory() && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            delete(target);
        }
        Files.createDirectories(target.getParent());
        int mode = entry.getMode() & 07777;
        FileTime modified = FileTime.from(entry.getModTime().toInstant());
        if (entry.isDirectory()) {
            Files.createDirectories(target);
            Files.setPosixFilePermissions(target, permissions(mode));
            entries.put(name, new Entry(name, Entry.Kind.DIRECTORY, mode, 0, "", "", modified));
        } else if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            entries.put(name, new Entry(name, Entry.Kind.SYMLINK, mode, 0, "", entry.getLinkName(), modified));
        } else if (entry.isLink()) {
            Files.createLink(target, inside(root, entry.getLinkName(), layer));
            entries.put(name, new Entry(name, Entry.Kind.HARDLINK, mode, 0, "", entry.getLinkName(), modified));
        } else if (entry.isFile()) {
            MessageDigest sha256 = sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha256)) {
                tar.transferTo(out);
            }
            Files.setPosixFilePermissions(target, permissions(mode));
            // Jars keep the layer's time: the AOT cache checks it.
            Files.setLastModifiedTime(target, modified);
            entries.put(name, new Entry(name, Entry.Kind.FILE, mode, entry.getSize(), HexFormat.of().formatHex(sha256.digest()), "", modified));
        } else {
            throw new IOException(layer + ": " + name + " is a " + (entry.isCharacterDevice() ? "character device" : "special file")
                    + ", which an image layer should not hold");
        }
    }

    private static Path inside(Path root, String name, Path layer) throws IOException {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
            throw new IOException(layer + ": entry " + name + " points outside the root file system");
        }
        return target;
    }

    private static void delete(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(path)) {
                for (Path child : children.toList()) {
                    delete(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    Path path() {
        return root;
    }

    /** What the image holds at {@code path} (relative to its root, no leading slash), if anything. */
    Optional<Entry> entry(String path) {
        return Optional.ofNullable(entries.get(path));
    }
}
