package dev.nodemedic.remedy.runtime;

import java.util.logging.LogManager;

/**
 * Keeps logging alive while the controller shuts down. The JDK's LogManager closes every handler from
 * its own shutdown hook, which races ours, so the lines saying the controller stopped acting and gave
 * the Lease up would be lost.
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
