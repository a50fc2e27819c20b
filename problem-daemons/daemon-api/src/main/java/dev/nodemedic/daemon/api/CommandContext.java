package dev.nodemedic.daemon.api;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;

/** What the agent gives a {@link DaemonCommand}. */
public interface CommandContext {

    PrintStream out();

    PrintStream err();

    Clock clock();

    /**
     * Reads a config file exactly as the agent reads a daemon's config: YAML, or JSON (NPD's
     * formats), bound into {@code type} with the same rules as {@link ProblemDaemon#configType()}.
     *
     * @throws ConfigException naming the file, line, field and what is wrong
     */
    <T> T bind(Path file, Class<T> type) throws ConfigException;
}
