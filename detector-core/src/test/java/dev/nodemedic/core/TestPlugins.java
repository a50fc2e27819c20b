package dev.nodemedic.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** The real plugin jars the build made for these tests, and ways to derive variants of them. */
public final class TestPlugins {
    public static final String REBOOT_REQUIRED = "reboot-required.jar";
    public static final String KERNEL_LOG = "kernel-log.jar";
    public static final String CONTAINER_RUNTIME = "container-runtime.jar";
    public static final String CUSTOM_PLUGIN = "custom-plugin.jar";
    public static final String SYSTEM_STATS = "system-stats.jar";
    public static final String KUBELET_HEALTH = "kubelet-health.jar";
    public static final String DISK_PRESSURE = "disk-pressure.jar";
    /** Every plugin the distribution ships, as this build copied them. */
    public static final List<String> BUILT_IN = List.of(REBOOT_REQUIRED, KERNEL_LOG, CONTAINER_RUNTIME, CUSTOM_PLUGIN, SYSTEM_STATS, KUBELET_HEALTH,
            DISK_PRESSURE);
    public static final String FAULTY = "fixture-faulty.jar";
    public static final String WRONG_API = "fixture-wrong-api.jar";
    public static final String CLAIMS_READY = "fixture-claims-ready.jar";

    private TestPlugins() {
    }

    public static Path jar(String name) {
        String dir = System.getProperty("nodemedic.test.plugins");
        if (dir == null) {
            throw new IllegalStateException("nodemedic.test.plugins is not set: run the tests through Maven, which copies the fixture jars");
        }
        Path jar = Path.of(dir, name);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the whole reactor (./mvnw verify) so the plugin modules are packaged first");
        }
        return jar;
    }

    /** Copies a fixture jar into {@code dir} the way an operator should: write aside, then move in, so no half jar is ever seen. */
    public static Path install(String name, Path dir, String as) throws IOException {
        Files.createDirectories(dir);
        Path staged = Files.createTempFile(dir.getParent(), "staged", ".tmp");
        Files.copy(jar(name), staged, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(staged, dir.resolve(as), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The same jar with plugin.properties' plugin.version changed: a new release of the plugin. */
    public static Path withVersion(String name, String version, Path target) throws IOException {
        return withProperties(name, text -> text.replaceAll("plugin.version=.*", "plugin.version=" + version), target);
    }

    /** The same jar with its plugin.properties edited as a text: a jar built with another descriptor. */
    public static Path withProperties(String name, UnaryOperator<String> edit, Path target) throws IOException {
        try (ZipFile in = new ZipFile(jar(name).toFile()); OutputStream file = Files.newOutputStream(target); ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    if (entry.getName().equals("plugin.properties")) {
                        String text = edit.apply(new String(data.readAllBytes(), StandardCharsets.ISO_8859_1));
                        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
                    } else {
                        data.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
        return target;
    }
}
