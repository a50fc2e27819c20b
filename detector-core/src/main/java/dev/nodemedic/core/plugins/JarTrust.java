package dev.nodemedic.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a jar in the plugins folder may be loaded. A plugin's code runs inside the agent, as root in
 * a cluster, so whoever can put a jar in the folder or change one there runs code as root: the folder
 * and the jar must be writable by their owner only, that owner root or the agent's own user, and the
 * jar a file of the folder (a symbolic link to a jar elsewhere brings that file's trust, not the
 * folder's; one to a file inside the folder, as a ConfigMap's {@code ..data} links, is fine). With a
 * list of digests, only a listed jar loads, whatever its permissions.
 *
 * <p>Ownership and permissions are enforced in a cluster; a local run (a developer's checkout, where a
 * umask of 002 makes every file group-writable) is told in its log and loads the jar all the same. A
 * digest list is always enforced: setting one is the operator's explicit choice.
 */
public final class JarTrust {
    /** What an untrusted owner or permission leads to. */
    public enum Enforcement {
        /** The jar is refused (cluster mode). */
        REFUSE,
        /** The jar loads and the log says why it should not have (local mode). */
        WARN
    }

    private static final Logger log = LoggerFactory.getLogger(JarTrust.class);
    /** Group and others' write bits. */
    private static final int WRITABLE_BY_OTHERS = 0022;
    private static final int ROOT = 0;

    private final Enforcement enforcement;
    private final Set<String> digests;
    private final OptionalInt ownUid;

    /**
     * @param digests {@code sha256:<hex>} of the jars that may load; empty: any jar that passes the other checks
     * @param ownUid  the agent's own user, trusted as root is; empty where it cannot be told
     */
    public JarTrust(Enforcement enforcement, Set<String> digests, OptionalInt ownUid) {
        this.enforcement = enforcement;
        this.digests = Set.copyOf(digests);
        this.ownUid = ownUid;
    }

    /** The trust of this process: its own user is read from {@code /proc/self} (Linux); elsewhere only root is trusted. */
    public static JarTrust ofThisProcess(Enforcement enforcement, Set<String> digests) {
        OptionalInt uid;
        try {
            uid = OptionalInt.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException notLinux) {
            uid = OptionalInt.empty();
        }
        return new JarTrust(enforcement, digests, uid);
    }

    /**
     * For a command run by hand ({@code nodemedic help}, {@code check-config}, a plugin's own command),
     * which loads the plugins folder's jars too: as strict as a cluster's agent when run as root, since
     * a jar's code then runs as root just the same.
     */
    public static JarTrust forCommand(Set<String> digests) {
        JarTrust asThisProcess = ofThisProcess(Enforcement.WARN, digests);
        return asThisProcess.ownUid.equals(OptionalInt.of(ROOT)) ? new JarTrust(Enforcement.REFUSE, digests, asThisProcess.ownUid) : asThisProcess;
    }

    /**
     * Looks at {@code jar} of {@code folder}.
     *
     * @return why it must not load, a sentence naming the jar, what is wrong and what to do; empty when it may
     */
    public Optional<String> refusal(Path folder, Path jar) {
        try {
            Path realFolder = folder.toRealPath();
            Path real = jar.toRealPath();
            if (!real.startsWith(realFolder) || real.equals(realFolder)) {
                return Optional.of(jar + " is a link to " + real + ", outside the plugins folder " + realFolder
                        + "; a plugin runs as root, so it must be a file of the folder; the jar is skipped, the other daemons run"
                        + " — copy the jar into the folder instead of linking to it");
            }
            Optional<String> doubt = doubt(realFolder, real);
            if (doubt.isPresent()) {
                if (enforcement == Enforcement.REFUSE) {
                    return Optional.of(doubt.get() + "; the jar is skipped, the other daemons run");
                }
                log.warn("plugin jar loaded though it would be refused in a cluster jar={} why=\"{}\"", jar.getFileName(), doubt.get());
            }
            if (!digests.isEmpty()) {
                String digest = sha256(real);
                if (!digests.contains(digest)) {
                    return Optional.of(jar + " has digest " + digest + ", which is not in pluginDigests of the agent config; the jar is skipped,"
                            + " the other daemons run — if you trust this jar, add \"" + digest + "\" to pluginDigests");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(jar + " cannot be checked (" + e + "); the jar is skipped, the other daemons run");
        }
    }

    /** What makes the jar (or a folder above it, up to the plugins folder) writable by someone other than root or the agent. */
    private Optional<String> doubt(Path realFolder, Path real) throws IOException {
        for (Path dir = real.getParent(); dir.startsWith(realFolder); dir = dir.getParent()) {
            Optional<String> folderDoubt = untrusted(dir, "the plugins folder " + (dir.equals(realFolder) ? dir : dir + " (inside " + realFolder + ")"),
                    "755");
            if (folderDoubt.isPresent()) {
                return folderDoubt.map(why -> real + ": " + why);
            }
            if (dir.equals(realFolder)) {
                break;
            }
        }
        return untrusted(real, real.toString(), "644");
    }

    private Optional<String> untrusted(Path path, String what, String mode) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,mode");
        int uid = (Integer) attributes.get("uid");
        int permissions = (Integer) attributes.get("mode") & 07777;
        if (uid != ROOT && (ownUid.isEmpty() || uid != ownUid.getAsInt())) {
            return Optional.of(what + " is owned by uid " + uid + ", not by root" + ownUid.stream().filter(u -> u != ROOT)
                    .mapToObj(u -> " or the agent's user (uid " + u + ")").findFirst().orElse("")
                    + ", and a plugin runs as root — chown root " + path);
        }
        if ((permissions & WRITABLE_BY_OTHERS) != 0) {
            return Optional.of(what + " may be written by " + ((permissions & 0020) != 0 ? "its group" : "") + ((permissions & 0022) == 0022 ? " and " : "")
                    + ((permissions & 0002) != 0 ? "everyone" : "") + " (mode " + String.format("%04o", permissions)
                    + "), and a plugin runs as root — chmod " + mode + " " + path);
        }
        return Optional.empty();
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
