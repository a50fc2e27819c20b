package dev.nodemedic.apiserver.logging;

import java.util.logging.LogManager;

/**
 * Keeps logging alive while the process shuts down. The JDK's LogManager closes every handler from its
 * own shutdown hook, which races ours, so the last lines would be lost: the agent's saying which
 * daemons stopped, the controller's saying it stopped acting and gave the Lease up. Each {@code main}
 * names this class in {@code java.util.logging.manager} before anything logs.
 */
public final class ShutdownLogManager extends LogManager {
    @Override
    public void reset() {
        if (Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName())) {
            return; // LogManager's Cleaner at JVM exit: handlers flush per record, nothing to close
        }
        super.reset();
    }
}
