package dev.nodemedic.remedy.runtime;

import java.util.Objects;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * fabric8's LeaderElector logs a stack trace on every failed try, every retry period, for as long as
 * the API server is away or RBAC forbids the Lease. This keeps its records to one line each, with
 * the root cause ("Connection refused", "leases.coordination.k8s.io is forbidden"), and drops a
 * repeat of the line just logged: one line per change, as the rest of the controller logs.
 */
final class ElectionLogFilter implements Filter {
    static final String LOGGER = "io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector";
    /** JUL holds loggers weakly: a filter on a logger nobody references would vanish with it. */
    private static final Logger ELECTOR = Logger.getLogger(LOGGER);

    private String last;

    static void install() {
        ELECTOR.setFilter(new ElectionLogFilter());
    }

    @Override
    public synchronized boolean isLoggable(LogRecord record) {
        if (record.getThrown() == null) {
            return true;
        }
        Throwable root = record.getThrown();
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String line = record.getMessage() + ": " + (root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage()));
        if (Objects.equals(line, last)) {
            return false;
        }
        last = line;
        record.setMessage(line + " (repeats are not logged)");
        record.setParameters(null);
        record.setThrown(null);
        if (record.getLevel().intValue() > Level.WARNING.intValue()) {
            record.setLevel(Level.WARNING);
        }
        return true;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
