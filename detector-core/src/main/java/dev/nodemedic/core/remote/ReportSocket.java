package dev.nodemedic.core.remote;

import dev.nodemedic.core.config.AgentConfig.ReportConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket file of the report endpoint: where it is by default, making its folder, replacing one
 * left by an agent that died, and its permissions, which are the endpoint's only access control.
 */
public final class ReportSocket {
    /** The kernel's limit on a socket path (sun_path, 108 bytes with its terminating zero). */
    static final int MAX_PATH_BYTES = 107;
    /** The folder is made for the agent and the group the sidecars share with it; nobody else may even look. */
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwxr-x---");
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final Logger log = LoggerFactory.getLogger(ReportSocket.class);

    private ReportSocket() {
    }

    /**
     * The socket of a local run ({@code --local}), where it works without root: under
     * {@code $XDG_RUNTIME_DIR} (a per-user folder only its user may enter) when it is set, else in a
     * folder of the user's own under the temp folder.
     */
    public static Path localDefault(Map<String, String> env) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "nodemedic", "report.sock");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "nodemedic-" + System.getProperty("user.name"), "report.sock");
    }

    /** Where a client looks when told nothing: the cluster's socket, then a local agent's. */
    public static List<Path> clientDefaults(Map<String, String> env) {
        return List.of(ReportConfig.CLUSTER_SOCKET, localDefault(env));
    }

    /**
     * Makes the socket's folder if needed and removes a socket file no agent listens on any more. A
     * socket another process still serves, or a path that is not a socket, stops the start instead.
     */
    public static void prepare(Path socket) throws IOException {
        int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new IllegalStateException("the report socket path " + socket + " is " + bytes + " bytes, the kernel allows " + MAX_PATH_BYTES
                    + "; set report.socket in the agent config to a shorter path");
        }
        Path folder = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, FOLDER);
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socket)) {
            throw new IllegalStateException("the report socket path " + socket + " exists and is not a socket; remove it, or set report.socket"
                    + " in the agent config to another path");
        }
        if (answers(socket)) {
            throw new IllegalStateException("another process serves the report socket " + socket + "; is another agent running? Stop it, or set"
                    + " report.socket in the agent config to another path");
        }
        Files.delete(socket);
        log.info("report socket left by a previous run replaced socket={}", socket);
    }

    /** Gives the socket file its configured permissions: connecting needs write permission on it. */
    public static void restrict(Path socket, String permissions) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(permissions));
    }

    private static boolean isSocket(Path path) throws IOException {
        Optional<Object> mode = Optional.ofNullable(Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        return mode.map(m -> ((Integer) m & S_IFMT) == S_IFSOCK).orElse(false);
    }

    private static boolean answers(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }
}
