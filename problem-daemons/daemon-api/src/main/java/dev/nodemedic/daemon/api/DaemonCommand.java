package dev.nodemedic.daemon.api;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A sub-command a plugin adds to the {@code nodemedic} command line, such as the kernel-log plugin's
 * {@code nodemedic rules test}. The agent finds it in the plugins folder by {@link #name()} and hands
 * it the arguments that follow; nothing in the agent names a plugin's classes.
 */
public interface DaemonCommand extends ExtensionPoint {

    /** The first word after {@code nodemedic}, such as {@code rules}. */
    String name();

    /** One line for {@code nodemedic --help}. */
    String description();

    /**
     * Runs the command.
     *
     * @param context where to print, and how to read config files as the agent does
     * @param args    the words after {@link #name()}
     * @return the process exit code: 0 success, 1 failure, 2 bad usage or bad config
     */
    int run(CommandContext context, List<String> args) throws Exception;
}
