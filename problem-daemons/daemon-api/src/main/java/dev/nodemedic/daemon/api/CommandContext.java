package dev.nodemedic.daemon.api;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

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

    /**
     * Reads a duration as the agent reads one in a config file: Go's notation ({@code 90s}, {@code 5m},
     * {@code 1h30m}, {@code 0}), as NPD's configs and the flags of NPD's helper programs write it, or
     * ISO-8601 ({@code PT5M}). A command taking NPD's flags reads them with the agent's one parser.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    Duration duration(String text);

    /**
     * The node's systemd journal, read by the agent's own journal reader, as a daemon's
     * {@link DaemonContext#journal()} is: a command that counts recent lines uses
     * {@link Journal#read}. The default answers every read with an {@link java.io.IOException}.
     *
     * @since 1.5.0
     */
    default Journal journal() {
        return Journal.unavailable("this nodemedic shares no systemd journal with its commands");
    }

    /**
     * The value as one line of JSON, written by the agent's JSON writer: records (their components in
     * declaration order), maps (in their iteration order), lists, strings, numbers, booleans and
     * {@code null} (written, not left out). A {@link java.math.BigDecimal} is written with its scale
     * ({@code 0.250}). A plugin carries no JSON library of its own: a command's {@code --json} output is
     * a tree of such values handed to this method.
     *
     * @throws UnsupportedOperationException from an agent older than daemon-api 1.5.0
     * @throws IllegalArgumentException when the value holds something else the writer cannot write
     * @since 1.5.0
     */
    default String json(Object value) {
        throw new UnsupportedOperationException("writing JSON for a command needs an agent with daemon-api 1.5.0 or later");
    }
}
