package dev.nodemedic.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This build's version, and the daemon-api version it hosts, as the build wrote them. */
record AgentVersion(String version, String daemonApiVersion) {

    static AgentVersion ofThisBuild() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("nodemedic-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("nodemedic-version.properties is missing from the detector-core jar");
            }
            Properties p = new Properties();
            p.load(in);
            return new AgentVersion(p.getProperty("version"), p.getProperty("daemonApiVersion"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read nodemedic-version.properties", e);
        }
    }
}
