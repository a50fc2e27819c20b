package dev.nodemedic.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The node a test pod runs on: a folder stands in for the host's files, so a pod sees an empty node (no
 * journal, no syslog files, no kubelet) unless the test lends it one of this machine's own paths.
 *
 * @param name the node's name, what the downward API gives as {@code spec.nodeName}
 * @param root the folder that holds the node's files
 * @param lent this machine's paths the pod gets as they are (say {@code /dev/kmsg})
 */
record FakeNode(String name, Path root, Set<String> lent) {
    FakeNode {
        lent = Set.copyOf(lent);
    }

    /** The source of a {@code hostPath} volume of {@code type}, made as the kubelet makes a missing one for {@code ...OrCreate}. */
    Path hostPath(String path, String type) throws IOException {
        if (lent.contains(path)) {
            return Path.of(path);
        }
        Path here = root.resolve(path.replaceFirst("^/+", ""));
        switch (type) {
            case "File", "FileOrCreate" -> {
                Files.createDirectories(here.getParent());
                if (Files.notExists(here)) {
                    // /etc/machine-id is the only file the manifests mount: a 32-hex-digit id, as systemd writes it.
                    Files.writeString(here, "0123456789abcdef0123456789abcdef\n");
                }
            }
            case "CharDevice", "BlockDevice", "Socket" ->
                throw new IllegalStateException("hostPath " + path + " (" + type + ") is a device or socket of this machine: lend it to the node or the pod cannot start");
            default -> Files.createDirectories(here);
        }
        return here;
    }
}
