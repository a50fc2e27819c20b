package dev.nodemedic.daemons.customplugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A check script's process and every process it started. NPD puts the script in its own process
 * group and kills the group; Java cannot set a process group, so the tree is found two ways: through
 * {@link ProcessHandle#descendants()} while the script runs, and, when it comes to killing, through a
 * tag the script's environment carries and its children inherit. The tag finds what the walk cannot:
 * once a parent exits its children leave the tree (they are reparented), and a child still holding
 * the script's output pipe would otherwise keep the check hanging where nobody can find it.
 */
final class ProcessTree {
    /** The environment variable that tags a check's processes. */
    static final String TAG_VARIABLE = "NODEMEDIC_CHECK";

    private final Process root;
    private final String tag;
    private final Map<Long, ProcessHandle> seen = new LinkedHashMap<>();

    /**
     * @param tag the value of {@link #TAG_VARIABLE} in the script's environment, unique to this run
     */
    ProcessTree(Process root, String tag) {
        this.root = root;
        this.tag = tag;
    }

    /** Notes the script's current descendants. Called while it runs; each call walks /proc once. */
    void remember() {
        root.descendants().forEach(h -> seen.putIfAbsent(h.pid(), h));
    }

    /**
     * Notes every process whose environment carries this run's tag. Reads /proc/PID/environ of every
     * process, so only when killing; processes of other users cannot be read and are no check's.
     */
    private void rememberTagged() {
        byte[] marker = ("\0" + TAG_VARIABLE + "=" + tag + "\0").getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit)).map(Long::parseLong)
                    .filter(pid -> pid != self && pid != root.pid() && !seen.containsKey(pid))
                    .filter(pid -> carries(pid, marker))
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(h -> seen.putIfAbsent(pid, h)));
        } catch (IOException | UncheckedIOException e) {
            // No /proc listing: the tree walk is all there is.
        }
    }

    private static boolean carries(long pid, byte[] marker) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException e) {
            return false;
        }
        // The first variable has no NUL before it: look at the environment as if it had.
        byte[] padded = new byte[environ.length + 2];
        System.arraycopy(environ, 0, padded, 1, environ.length);
        return indexOf(padded, marker) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Kills the script and every process seen in its tree with SIGKILL, children first so none can
     * fork again once its parent is gone. A handle carries its process's start time, so a pid reused
     * by an unrelated process is never killed.
     *
     * @return how many processes it started were still alive and killed
     */
    int kill() {
        remember();
        rememberTagged();
        List<ProcessHandle> children = new ArrayList<>(seen.values());
        int killed = 0;
        for (int i = children.size() - 1; i >= 0; i--) {
            if (children.get(i).isAlive() && children.get(i).destroyForcibly()) {
                killed++;
            }
        }
        root.destroyForcibly();
        return killed;
    }

    /**
     * Waits, up to {@code limit}, until every killed descendant has gone: reaped by {@code reaper} when
     * it became this JVM's child (the agent is PID 1 or a subreaper), or by whoever else it belongs to.
     *
     * @return the pids still left, zombies or unkillable (D state), to name in a log line
     */
    List<Long> reap(Optional<OrphanReaper> reaper, Duration limit) throws InterruptedException {
        long self = ProcessHandle.current().pid();
        List<Long> pending = new ArrayList<>(seen.keySet());
        long deadline = System.nanoTime() + limit.toNanos();
        while (!pending.isEmpty()) {
            pending.removeIf(pid -> settled(pid, self, reaper));
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            // A killed process turns zombie and is reparented within microseconds to milliseconds.
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return List.copyOf(pending);
    }

    private boolean settled(long pid, long self, Optional<OrphanReaper> reaper) {
        Optional<ProcState> state = ProcState.read(pid);
        if (state.isEmpty()) {
            return true;
        }
        if (!state.get().zombie()) {
            return false;
        }
        if (state.get().parent() == self) {
            return reaper.isPresent() && reaper.get().reap(pid);
        }
        // A zombie whose parent is another process of the tree gets reparented once that parent is gone;
        // any other parent (the node's init) reaps it itself.
        return !seen.containsKey(state.get().parent()) && state.get().parent() != root.pid();
    }

    /** The two fields of /proc/PID/stat this needs. */
    record ProcState(char state, long parent) {
        boolean zombie() {
            return state == 'Z' || state == 'X';
        }

        static Optional<ProcState> read(long pid) {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            } catch (IOException e) {
                return Optional.empty();
            }
            // "pid (comm) S ppid ...": comm may itself hold spaces and parentheses, so look after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 3);
            return Optional.of(new ProcState(fields[0].charAt(0), Long.parseLong(fields[1])));
        }
    }
}
