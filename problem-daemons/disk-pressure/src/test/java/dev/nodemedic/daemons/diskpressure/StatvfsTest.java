package dev.nodemedic.daemons.diskpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real statvfs(3), through FFM, agrees with the JDK's FileStore on the figures both have. */
class StatvfsTest {
    @TempDir
    Path dir;

    @Test
    void figuresMatchTheJdksFileStore() throws Exception {
        Statvfs statvfs = new Statvfs();
        FileStore store = Files.getFileStore(dir);

        Usage usage = statvfs.usage(dir);
        long usable = store.getUsableSpace();

        assertThat(usage.totalBytes()).isEqualTo(store.getTotalSpace());
        // The disk is shared with whatever else runs: allow it to move by 64 MiB between the two calls.
        assertThat(usage.availableBytes()).isBetween(usable - (64L << 20), usable + (64L << 20));
        assertThat(usage.totalInodes()).isGreaterThanOrEqualTo(usage.freeInodes());
        assertThat(usage.bytesUsedPercent()).isBetween(0.0, 100.0);
    }

    @Test
    void creatingFilesUsesInodes() throws Exception {
        Statvfs statvfs = new Statvfs();
        Usage before = statvfs.usage(dir);
        if (!before.hasInodes()) {
            return; // a filesystem without an inode table (btrfs) has nothing to count
        }
        for (int i = 0; i < 200; i++) {
            Files.createFile(dir.resolve("f" + i));
        }
        // Other processes create and delete files too; 200 of ours must show as most of the change.
        assertThat(before.freeInodes() - statvfs.usage(dir).freeInodes()).isGreaterThan(100);
    }

    @Test
    void aMissingPathSaysWhy() {
        Path missing = dir.resolve("gone");
        assertThatThrownBy(() -> new Statvfs().usage(missing)).isInstanceOf(IOException.class)
                .hasMessage("statvfs(" + missing + ") failed: No such file or directory (errno 2)");
    }
}
