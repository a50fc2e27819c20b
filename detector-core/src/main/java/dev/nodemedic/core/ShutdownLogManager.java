package dev.nodemedic.core;

import java.util.logging.LogManager;

/**
 * Keeps logging alive while the agent shuts down. The JDK's LogManager closes every handler from its
 * own shutdown hook, which races ours, so the lines saying which daemons stopped would be lost.
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
