package dev.nodemedic.remedy.runtime;

import dev.nodemedic.apiserver.logging.ShutdownLogManager;
import java.time.Clock;

/** The {@code nodemedic-remedy} command. The only place that calls System.exit. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before anything logs: JUL reads both once, when it starts. One line per record:
        // "2026-01-01T00:00:00.000+0000 INFO    dev.nodemedic.remedy.runtime.RemedyRuntime remedy controller started identity=…".
        System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL%1$tz %4$-7s %3$s %5$s%6$s%n");
        ElectionLogFilter.install();
        System.exit(RemedyCommand.commandLine(Clock.systemUTC()).execute(args));
    }
}
