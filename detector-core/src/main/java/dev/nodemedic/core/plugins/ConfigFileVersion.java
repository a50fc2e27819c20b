package dev.nodemedic.core.plugins;

import dev.nodemedic.daemon.api.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Which content of a daemon instance's config file an instance was bound from. A ConfigMap update
 * keeps the path and swaps the {@code ..data} symlink under it, so the file is told apart by what it
 * resolves to and by a digest of its bytes, never by its own path or mtime alone.
 *
 * @param stamp  what the file resolved to just before it was read: cheap to compare on every look
 * @param digest SHA-256 of the bytes that were bound
 */
public record ConfigFileVersion(Stamp stamp, String digest) {

    /**
     * The resolved file's identity, size and modification time. Equal stamps mean the file was not
     * touched; a different stamp may still hold the same bytes (the kubelet re-projects a ConfigMap
     * whose data did not change), which the digest settles.
     */
    public record Stamp(Path resolved, long size, FileTime modified, Optional<Object> fileKey) {
        /** @return empty when the file (or what its symlinks lead to) is not there */
        static Optional<Stamp> of(Path file) throws IOException {
            try {
                Path resolved = file.toRealPath();
                BasicFileAttributes attributes = Files.readAttributes(resolved, BasicFileAttributes.class);
                return Optional.of(new Stamp(resolved, attributes.size(), attributes.lastModifiedTime(), Optional.ofNullable(attributes.fileKey())));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        }
    }

    /** A config file's text and the version it is. */
    public record Read(String text, ConfigFileVersion version) {
    }

    /**
     * Reads the file once: the stamp first, then the bytes, so a swap in between makes the next look
     * see a new stamp, whose digest then matches what was bound and changes nothing.
     *
     * @throws ConfigException naming the file, as the config binder does
     */
    public static Read read(Path file) throws ConfigException {
        try {
            Stamp stamp = Stamp.of(file).orElseThrow(() -> new NoSuchFileException(file.toString()));
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            return new Read(text, new ConfigFileVersion(stamp, digest(bytes)));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": is not UTF-8 text (" + e + ")", e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e + ")", e);
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
