package dev.nodemedic.core.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What changed in the plugins folder since the last look. A jar counts only once it looked the same
 * (size and modification time) on two looks in a row, so a jar still being copied in is not loaded
 * half-written. Its owner and permissions count too: a jar refused for them ({@link JarTrust}) is
 * looked at again once they are fixed. Polling, not inotify: the folder is often a ConfigMap or host volume, where
 * kubelet swaps symlinks and file events are unreliable; a few files once a second cost nothing.
 */
public final class PluginsFolder {
    /** One look's worth of changes, each list in file-name order. */
    public record Changes(List<Path> added, List<Path> changed, List<Path> removed) {
        public boolean isEmpty() {
            return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
        }
    }

    /**
     * What tells a jar changed. The owner is its number and the permissions are the mode bits, as the
     * file system has them: an owner's name costs a look-up in the user database (a read of
     * {@code /etc/passwd}) per jar per look, most of the plugins folder's CPU on an idle agent.
     */
    private record Fingerprint(long size, FileTime modified, Object fileKey, int uid, int mode) {
    }

    /** One {@code stat} of a jar: the basic attributes and the owner's number and mode, no name looked up. */
    private static final String ATTRIBUTES = "unix:size,lastModifiedTime,fileKey,isRegularFile,uid,mode";

    private final Path dir;
    private final Map<Path, Fingerprint> accepted = new HashMap<>();
    private final Map<Path, Fingerprint> lastLook = new HashMap<>();

    public PluginsFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Looks once. Call it periodically; the first call reports every stable jar as added on the second look. */
    public Changes look() throws IOException {
        Map<Path, Fingerprint> now = list();
        List<Path> added = new ArrayList<>();
        List<Path> changed = new ArrayList<>();
        List<Path> removed = new ArrayList<>();
        for (Path jar : new TreeMap<>(accepted).keySet()) {
            if (!now.containsKey(jar)) {
                removed.add(jar);
            }
        }
        removed.forEach(accepted::remove);
        for (Map.Entry<Path, Fingerprint> entry : new TreeMap<>(now).entrySet()) {
            Path jar = entry.getKey();
            Fingerprint print = entry.getValue();
            boolean stable = print.equals(lastLook.get(jar));
            Fingerprint known = accepted.get(jar);
            if (stable && known == null) {
                added.add(jar);
                accepted.put(jar, print);
            } else if (stable && !known.equals(print)) {
                changed.add(jar);
                accepted.put(jar, print);
            }
        }
        lastLook.clear();
        lastLook.putAll(now);
        return new Changes(List.copyOf(added), List.copyOf(changed), List.copyOf(removed));
    }

    /** Starts the first look with what is there now, so jars present at start load at once. */
    public Changes lookAtStart() throws IOException {
        lastLook.putAll(list());
        return look();
    }

    private Map<Path, Fingerprint> list() throws IOException {
        Map<Path, Fingerprint> jars = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return jars;
        }
        // A name filter, not the glob "*.jar": a glob is compiled to a regular expression on every look.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, entry -> entry.getFileName().toString().endsWith(".jar"))) {
            for (Path entry : entries) {
                try {
                    Map<String, Object> attributes = Files.readAttributes(entry, ATTRIBUTES);
                    if ((Boolean) attributes.get("isRegularFile")) {
                        jars.put(entry, new Fingerprint((Long) attributes.get("size"), (FileTime) attributes.get("lastModifiedTime"),
                                attributes.get("fileKey"), (Integer) attributes.get("uid"), (Integer) attributes.get("mode")));
                    }
                } catch (NoSuchFileException gone) {
                    // removed between listing and reading: the next look sees it gone
                }
            }
        }
        return jars;
    }
}
