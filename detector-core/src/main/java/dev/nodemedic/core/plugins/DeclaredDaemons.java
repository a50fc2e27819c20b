package dev.nodemedic.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The daemons a plugin jar says it brings: {@code plugin.daemons} of its {@code plugin.properties}
 * (comma-separated daemon names). Read from the jar as a zip entry, with no PF4J and no class loaded,
 * so the agent can leave a jar it would not use unloaded (with {@code onlyListedDaemons}, NPD's flags,
 * loading a plugin costs CPU on the core the node's log reader starts on). A jar without the key (a
 * third-party plugin built before it) declares nothing and loads as before.
 */
public record DeclaredDaemons(List<String> names) {
    public static final String KEY = "plugin.daemons";
    private static final String PROPERTIES = "plugin.properties";

    public DeclaredDaemons {
        names = List.copyOf(names);
    }

    /** Why a jar that declares these daemons is held back, for the log and {@code check-config}. */
    public String whyHeldBack() {
        return "onlyListedDaemons is set (as NPD's flags set it) and the agent config names none of its daemons " + names
                + "; it loads when a reloaded agent config lists one";
    }

    /**
     * Whether this declaration names other daemons than the jar brings (order aside): a stale one holds the
     * jar back when it should load, or loads it for nothing. The agent warns and trusts the classes.
     */
    public boolean differsFrom(List<String> brings) {
        return !Set.copyOf(names).equals(Set.copyOf(brings));
    }

    /**
     * What the jar's {@code plugin.properties} declares, if it has the key. An empty value declares no
     * daemon (a jar of commands only).
     *
     * @throws IOException when the entry cannot be read or is not a properties file
     */
    static Optional<DeclaredDaemons> in(ZipFile jar) throws IOException {
        ZipEntry entry = jar.getEntry(PROPERTIES);
        if (entry == null) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        // PF4J reads plugin.properties as UTF-8 too (PropertiesPluginDescriptorFinder).
        try (InputStream in = jar.getInputStream(entry); Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IllegalArgumentException e) {
            throw new IOException(PROPERTIES + " is not a properties file: " + e.getMessage(), e);
        }
        String value = properties.getProperty(KEY);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(new DeclaredDaemons(Arrays.stream(value.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList()));
    }
}
