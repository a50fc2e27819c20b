package dev.nodemedic.daemons.kernellog.rules;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import java.util.List;

/**
 * The kernel rules an instance gets when its config names none: NPD's {@code kernel-monitor.json}
 * with its known mistakes fixed. The distribution ships the same rules as
 * {@code config/kernel-monitor.json}; a test keeps the two equal and says which real kernel message
 * each rule catches.
 */
public final class KernelRules {
    public static final List<ConditionDeclaration> CONDITIONS = List.of(
            new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock"),
            new ConditionDeclaration("ReadonlyFilesystem", "FilesystemIsNotReadOnly", "Filesystem is not read-only"),
            new ConditionDeclaration("XfsShutdown", "XfsHasNotShutDown", "XFS has not shutdown"));

    public static final List<Rule> RULES = List.of(
            Rule.temporary("OOMKilling", "Killed process \\d+ (.+) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:\\d+kB.*"),
            Rule.temporary("TaskHung", "task [\\S ]+:\\w+ blocked for more than \\w+ seconds\\."),
            // NPD has \w+ for the device, which misses names such as vxlan.calico or eth0.100.
            Rule.temporary("UnregisterNetDevice", "unregister_netdevice: waiting for \\S+ to become free. Usage count = -?\\d+"),
            // Since Linux 4.17 the oops reads "BUG: kernel NULL pointer dereference, address: ..."; NPD's pattern
            // knows only the older wording.
            Rule.temporary("KernelOops", "BUG: (unable to handle kernel NULL pointer dereference at|kernel NULL pointer dereference, address:) .*"),
            // NPD's pattern must end at "SMP", but kernels print more flags after it ("SMP PTI", "PREEMPT SMP NOPTI").
            Rule.temporary("KernelOops", "divide error: 0000 \\[#\\d+\\].*"),
            Rule.temporary("Ext4Error", "EXT4-fs error .*"),
            Rule.temporary("Ext4Warning", "EXT4-fs warning .*"),
            Rule.temporary("IOError", "Buffer I/O error .*"),
            Rule.permanent("XfsShutdown", "XfsHasShutdown", "XFS .* Shutting down filesystem.?"),
            Rule.temporary("MemoryReadError", "CE memory read error .*"),
            Rule.permanent("KernelDeadlock", "DockerHung", "task docker:\\w+ blocked for more than \\w+ seconds\\."),
            Rule.permanent("ReadonlyFilesystem", "FilesystemIsReadOnly", "Remounting filesystem read-only"));

    private KernelRules() {
    }
}
