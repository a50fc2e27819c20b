package dev.nodemedic.daemons.diskpressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemons.diskpressure.MountTable.Mount;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MountTableTest {
    private static MountTable fixture(String name) throws IOException {
        return MountTable.parse(new FakeHost(name).mountInfo());
    }

    @Test
    void readsEveryFieldOfALineWithOptionalFields() throws Exception {
        Mount root = fixture("node.txt").mounts().getFirst();
        assertThat(root).isEqualTo(new Mount("259:1", Path.of("/"), Set.of("rw", "relatime"), "ext4", "/dev/nvme0n1p1",
                Set.of("rw", "discard", "errors=remount-ro")));
        assertThat(root.readOnly()).isFalse();
    }

    @Test
    void aPathBelongsToTheLongestMountPointAboveIt() throws Exception {
        MountTable table = fixture("node.txt");
        assertThat(table.mountOf(Path.of("/var/lib/containerd/io.containerd.content.v1.content")).orElseThrow().mountPoint()).isEqualTo(Path.of("/var/lib/containerd"));
        assertThat(table.mountOf(Path.of("/var/lib/kubelet")).orElseThrow().device()).isEqualTo("259:3");
        assertThat(table.mountOf(Path.of("/var/lib/containers")).orElseThrow().mountPoint()).isEqualTo(Path.of("/"));
        assertThat(table.mountOf(Path.of("/var/lib/containerd-old")).orElseThrow().mountPoint()).as("a path prefix is not a parent").isEqualTo(Path.of("/"));
    }

    @Test
    void escapedSpacesInMountPointsAreRead() throws Exception {
        assertThat(fixture("node.txt").mountOf(Path.of("/mnt/data disk/x")).orElseThrow().source()).isEqualTo("filer:/export/data");
    }

    @Test
    void aReadOnlyRemountShowsInTheMountOrTheFilesystemOptions() throws Exception {
        assertThat(fixture("containerd-remounted-ro.txt").mountOf(Path.of("/var/lib/containerd")).orElseThrow().readOnly()).isTrue();
        assertThat(MountTable.parse("22 1 8:1 / / rw,relatime - ext4 /dev/sda1 ro,errors=remount-ro\n").mounts().getFirst().readOnly()).isTrue();
    }

    @Test
    void theLastMountOnAPointHidesTheOnesBelow() throws Exception {
        assertThat(fixture("stacked.txt").mountOf(Path.of("/var/lib/kubelet")).orElseThrow().readOnly()).isTrue();
    }

    @Test
    void aLineWithoutMountinfosShapeIsNamed() {
        assertThatThrownBy(() -> MountTable.parse("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n/dev/sda1 / ext4 rw 0 0\n"))
                .hasMessage("mountinfo line 2 does not have the fields proc(5) describes: \"/dev/sda1 / ext4 rw 0 0\"");
    }
}
