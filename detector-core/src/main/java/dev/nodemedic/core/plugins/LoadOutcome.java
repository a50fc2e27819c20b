package dev.nodemedic.core.plugins;

import java.nio.file.Path;
import java.util.List;

/** What became of a jar in the plugins folder. */
public sealed interface LoadOutcome {

    Path jar();

    /**
     * @param pluginId  from the descriptor
     * @param version   from the descriptor
     * @param daemons   the daemon classes it brings
     * @param commands  the command-line sub-commands it brings
     */
    record Loaded(Path jar, String pluginId, String version, List<Class<?>> daemons, List<Class<?>> commands) implements LoadOutcome {
        public Loaded {
            daemons = List.copyOf(daemons);
            commands = List.copyOf(commands);
        }
    }

    /** @param why a sentence that names the jar, what is wrong and what to do */
    record Refused(Path jar, String why) implements LoadOutcome {
    }
}
