package dev.nodemedic.core.plugins;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What became of a jar in the plugins folder. */
public sealed interface LoadOutcome {

    Path jar();

    /**
     * @param pluginId  from the descriptor
     * @param version   from the descriptor
     * @param daemons   the daemon classes it brings
     * @param commands  the command-line sub-commands it brings
     * @param declared  the daemons its plugin.properties says it brings, when it says
     */
    record Loaded(Path jar, String pluginId, String version, List<Class<?>> daemons, List<Class<?>> commands, Optional<DeclaredDaemons> declared)
            implements LoadOutcome {
        public Loaded {
            daemons = List.copyOf(daemons);
            commands = List.copyOf(commands);
        }
    }

    /** @param why a sentence that names the jar, what is wrong and what to do */
    record Refused(Path jar, String why) implements LoadOutcome {
    }

    /**
     * Not loaded, not refused: the agent would run none of the daemons the jar declares (the agent
     * config has {@code onlyListedDaemons} and lists none of them). Nothing of it but its
     * plugin.properties was read; it loads when the agent config comes to list one.
     */
    record HeldBack(Path jar, DeclaredDaemons declared) implements LoadOutcome {
    }
}
