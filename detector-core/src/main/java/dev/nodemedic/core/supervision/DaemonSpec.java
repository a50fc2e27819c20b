package dev.nodemedic.core.supervision;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything needed to run one daemon instance, settled before it first starts: its config is bound
 * and its conditions are known, so a restart only makes a new object and starts it.
 *
 * @param instanceName unique on the node
 * @param daemonName   the daemon's own name
 * @param pluginId     the plugin that brought it
 * @param pluginVersion that plugin's version
 * @param factory      the daemon object for each start: the first start's may be the one planning asked (made once, not
 *                     once more to start), every later start's is a new one
 * @param config       the bound configuration
 * @param configFile   where it came from, if anywhere
 * @param conditions   the types it owns with their healthy defaults
 * @param reasons      what it can report, for NPD's series at 0 from the start
 */
public record DaemonSpec(String instanceName, String daemonName, String pluginId, String pluginVersion,
        Supplier<ProblemDaemon<Object>> factory, Object config, Optional<Path> configFile, List<ConditionDeclaration> conditions,
        List<ReasonDeclaration> reasons) {
    public DaemonSpec {
        conditions = List.copyOf(conditions);
        reasons = List.copyOf(reasons);
    }
}
