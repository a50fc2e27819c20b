package dev.nodemedic.daemons.customplugin;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes the test JVM a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so a killed script's orphans
 * are reparented to it as they are to the agent when it is its container's PID 1. Without this the
 * test could not tell whether the daemon reaps them: they would go to this machine's init instead.
 */
final class Subreaper {
    private static final int PR_SET_CHILD_SUBREAPER = 36;

    private Subreaper() {
    }

    static void becomeOne() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        int result = (int) prctl.invokeExact(PR_SET_CHILD_SUBREAPER, 1L);
        if (result != 0) {
            throw new IllegalStateException("prctl(PR_SET_CHILD_SUBREAPER) returned " + result);
        }
    }

    /** This JVM's children that are zombies: none may be left after a check. */
    static List<Long> zombieChildren() throws IOException {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).map(Long::parseLong)
                    .filter(pid -> ProcessTree.ProcState.read(pid).filter(s -> s.zombie() && s.parent() == self).isPresent())
                    .toList();
        }
    }
}
