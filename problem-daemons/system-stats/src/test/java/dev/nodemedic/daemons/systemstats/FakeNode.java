package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A node's /proc, /sys and /etc as real files under a test's folder, shaped as a 6.1 kernel writes them. */
final class FakeNode {
    final Path root;
    final HostPaths paths;
    /** A folder to stand for the mounted root file system: statfs on it answers for the test's own disk. */
    final Path mountPoint;

    FakeNode(Path root) throws IOException {
        this.root = root;
        this.paths = new HostPaths(root.resolve("proc"), root.resolve("sys"), root.resolve("etc"));
        this.mountPoint = Files.createDirectories(root.resolve("mnt/root"));
        write("proc/loadavg", "0.52 0.58 0.59 2/1069 123456\n");
        stat(1_180_381, 4_000, 8_000);
        write("proc/meminfo", """
                MemTotal:       16384000 kB
                MemFree:         4096000 kB
                MemAvailable:    9000000 kB
                Buffers:          512000 kB
                Cached:          3072000 kB
                SwapCached:            0 kB
                Active:          6000000 kB
                Inactive:        4000000 kB
                Active(anon):    3000000 kB
                Inactive(anon):   100000 kB
                Active(file):    3000000 kB
                Inactive(file):  3900000 kB
                Unevictable:       20000 kB
                Mlocked:           20000 kB
                Dirty:               400 kB
                Writeback:             8 kB
                Slab:             800000 kB
                HugePages_Total:       0
                Hugepagesize:       2048 kB
                """);
        diskstats(1000, 2000);
        write("proc/net/dev", """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 517648365 8486004    0    0    0     0          0         0 517648365 8486004    0    0    0     0       0          0
                  eth0:12345678901  9876543    1    2    3     4          5         6 987654321  123456    7    8    9    10      11         12
                cali1234: 100 1 0 0 0 0 0 0 200 2 0 0 0 0 0 0
                """);
        write("proc/uptime", "10426.76 5813.45\n");
        write("proc/sys/kernel/osrelease", "6.1.0-27-amd64\n");
        write("proc/cmdline", "BOOT_IMAGE=/vmlinuz-6.1.0-27-amd64 root=UUID=0a1b ro systemd.unified_cgroup_hierarchy=1 module.sig_enforce=1 loadpin.enabled=1 quiet\n");
        write("proc/modules", """
                nvidia_uvm 1437696 0 - Live 0x0000000000000000 (POE)
                nvidia 56532992 1 nvidia_uvm, Live 0x0000000000000000 (POE)
                zfs 4030464 6 - Live 0x0000000000000000 (POE)
                vendor_agent 16384 0 - Live 0x0000000000000000 (OE)
                ext4 1007616 1 - Live 0x0000000000000000
                """);
        write("proc/filesystems", "nodev\tsysfs\nnodev\tproc\nnodev\ttmpfs\nnodev\toverlay\n\text4\n\txfs\n");
        write("proc/self/mountinfo", String.join("\n",
                "21 26 0:20 / /proc rw,relatime - proc proc rw",
                "26 1 254:0 / " + mountPoint + " rw,relatime - ext4 /dev/sda1 rw",
                "27 26 254:0 /var/log " + mountPoint + " rw,relatime - ext4 /dev/sda1 rw",
                "28 26 0:30 / /run rw,nosuid,nodev - tmpfs tmpfs rw,size=1024k",
                ""));
        write("sys/block/sda/size", "488397168\n");
        write("sys/block/loop0/size", "0\n");
        write("sys/block/ram0/size", "131072\n");
        write("sys/block/nvme0n1/size", "1000215216\n");
        write("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n");
        write("etc/debian_version", "12.8\n");
    }

    /** /proc/stat with the aggregate user ticks, forks and the interrupts total given. */
    void stat(long userTicks, long processes, long interrupts) throws IOException {
        write("proc/stat", """
                cpu  %d 49835 260634 581345 2269 0 5064 0 0 0
                cpu0 585874 23832 126710 300703 369 0 2366 0 0 0
                cpu1 594507 26003 133924 280642 1899 0 2698 0 0 0
                intr %d 9 0 0 0
                ctxt 99887766
                btime 1765080000
                processes %d
                procs_running 3
                procs_blocked 1
                softirq 1234 0 1 2 3
                """.formatted(userTicks, interrupts, processes));
    }

    /** /proc/diskstats with sda's weighted I/O milliseconds and I/O milliseconds given. */
    void diskstats(long ioMs, long weightedMs) throws IOException {
        write("proc/diskstats", """
                   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
                   8       0 sda 11 2 800 40 22 3 1600 50 0 %d %d 0 0 0 0 0 0
                   8       1 sda1 5 1 400 20 10 1 800 25 0 300 400 0 0 0 0 0 0
                   8      16 sdb 1 0 8 1 0 0 0 0 0 1 1
                 259       0 nvme0n1 7 0 56 3 9 0 72 4 0 5 6 0 0 0 0 0 0
                """.formatted(ioMs, weightedMs));
    }

    void write(String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
