package dev.nodemedic.daemons.diskpressure;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * statvfs(3) through Java's FFM API: {@code FileStore} has no inode counts, and FFM needs no native
 * library in the plugin jar. The layout is the 64-bit Linux one, the same in glibc and musl for the
 * fields read here; {@code errno} is captured with the call, so a failure says why.
 *
 * <p>Restricted methods need native access: the agent's launcher passes
 * {@code --enable-native-access=ALL-UNNAMED}, which covers a plugin class loader's unnamed module too.
 */
final class Statvfs {
    /** struct statvfs: eleven unsigned longs, then six ints of padding (112 bytes). */
    private static final StructLayout STATVFS = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("f_bsize"),
            ValueLayout.JAVA_LONG.withName("f_frsize"),
            ValueLayout.JAVA_LONG.withName("f_blocks"),
            ValueLayout.JAVA_LONG.withName("f_bfree"),
            ValueLayout.JAVA_LONG.withName("f_bavail"),
            ValueLayout.JAVA_LONG.withName("f_files"),
            ValueLayout.JAVA_LONG.withName("f_ffree"),
            ValueLayout.JAVA_LONG.withName("f_favail"),
            ValueLayout.JAVA_LONG.withName("f_fsid"),
            ValueLayout.JAVA_LONG.withName("f_flag"),
            ValueLayout.JAVA_LONG.withName("f_namemax"),
            MemoryLayout.sequenceLayout(6, ValueLayout.JAVA_INT).withName("f_spare"));
    private static final VarHandle FRSIZE = field("f_frsize");
    private static final VarHandle BLOCKS = field("f_blocks");
    private static final VarHandle BAVAIL = field("f_bavail");
    private static final VarHandle FILES = field("f_files");
    private static final VarHandle FFREE = field("f_ffree");
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno")).withInvokeExactBehavior();

    private final MethodHandle statvfs;
    private final MethodHandle strerror;

    /**
     * @throws IllegalStateException when this is not a 64-bit Linux, or native access is refused; the
     *                               message says what to change
     */
    Statvfs() {
        if (!System.getProperty("os.name", "").equals("Linux") || ValueLayout.ADDRESS.byteSize() != 8) {
            throw new IllegalStateException("disk-pressure reads statvfs(3) with the 64-bit Linux layout; this is "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
        Linker linker = Linker.nativeLinker();
        try {
            statvfs = linker.downcallHandle(linker.defaultLookup().find("statvfs").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
            strerror = linker.downcallHandle(linker.defaultLookup().find("strerror").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        } catch (IllegalCallerException e) {
            throw new IllegalStateException("disk-pressure needs native access for statvfs(3); start the JVM with --enable-native-access=ALL-UNNAMED"
                    + " (the nodemedic launcher does)", e);
        }
    }

    Usage usage(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(STATVFS);
            MemorySegment state = arena.allocate(CAPTURED);
            int result = (int) statvfs.invokeExact(state, arena.allocateFrom(path.toString()), buffer);
            if (result != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IOException("statvfs(" + path + ") failed: " + describe(errno));
            }
            long frsize = (long) FRSIZE.get(buffer, 0L);
            return new Usage(Math.multiplyExact((long) BLOCKS.get(buffer, 0L), frsize), Math.multiplyExact((long) BAVAIL.get(buffer, 0L), frsize),
                    (long) FILES.get(buffer, 0L), (long) FFREE.get(buffer, 0L));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("statvfs(" + path + ") could not be called", e);
        }
    }

    private String describe(int errno) throws Throwable {
        MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
        return text.reinterpret(256).getString(0) + " (errno " + errno + ")";
    }

    private static VarHandle field(String name) {
        return STATVFS.varHandle(MemoryLayout.PathElement.groupElement(name)).withInvokeExactBehavior();
    }
}
