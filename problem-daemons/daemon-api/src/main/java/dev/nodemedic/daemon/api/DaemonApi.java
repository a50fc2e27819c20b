package dev.nodemedic.daemon.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this contract. Plugin jars require a range of it in their {@code Plugin-Requires}. */
public final class DaemonApi {
    /** Semantic version: a minor version adds, only a major version may break a plugin. */
    public static final String VERSION = readVersion();

    private DaemonApi() {
    }

    private static String readVersion() {
        try (InputStream in = DaemonApi.class.getResourceAsStream("daemon-api.properties")) {
            if (in == null) {
                throw new IllegalStateException("daemon-api.properties is missing from the daemon-api jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read daemon-api.properties", e);
        }
    }
}
