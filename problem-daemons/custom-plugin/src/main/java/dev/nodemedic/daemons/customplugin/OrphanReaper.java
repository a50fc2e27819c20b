package dev.nodemedic.daemons.customplugin;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Collects the exit status of a killed script's child processes once they have become this JVM's
 * children. When the agent is its container's PID 1 (or a child subreaper), a check script's children
 * are reparented to it when the script dies; the JVM only waits for the processes it started itself,
 * so without this they stay zombies for ever (NPD has the same problem: kubernetes/node-problem-detector#726).
 *
 * <p>Only pids this daemon killed are waited for, one by one with {@code WNOHANG}: {@code waitpid(-1)}
 * would steal the exit status of processes the JVM started, and the JVM would then report exit 0
 * for a check script that said 1.
 */
final class OrphanReaper {
    private static final int WNOHANG = 1;
    private final MethodHandle waitpid;

    private OrphanReaper(MethodHandle waitpid) {
        this.waitpid = waitpid;
    }

    /**
     * The reaper, or empty with the reason when native calls are not allowed to this plugin (the agent's
     * launcher passes {@code --enable-native-access=ALL-UNNAMED}) or the C library has no {@code waitpid}.
     */
    static Optional<OrphanReaper> load(System.Logger logger) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle handle = linker.downcallHandle(linker.defaultLookup().find("waitpid").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            return Optional.of(new OrphanReaper(handle));
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.WARNING, "killed check scripts' child processes cannot be reaped by this agent;"
                    + " when the agent is its container's PID 1 they stay zombies. Start the JVM with --enable-native-access=ALL-UNNAMED"
                    + " or run an init such as tini as PID 1 why=\"{0}\"", e.toString());
            return Optional.empty();
        }
    }

    /** Waits for {@code pid} without blocking; true when it was this JVM's exited child and is now gone. */
    boolean reap(long pid) {
        try {
            return (int) waitpid.invokeExact((int) pid, MemorySegment.NULL, WNOHANG) == (int) pid;
        } catch (Throwable e) {
            throw new IllegalStateException("waitpid(" + pid + ") failed", e);
        }
    }
}
