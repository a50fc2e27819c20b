package dev.nodemedic.daemons.customplugin;

import dev.nodemedic.daemons.npdrules.NpdRule;
import dev.nodemedic.daemons.npdrules.RuleReport;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One rule of NPD's {@code rules}: a check script and what its answer means.
 *
 * @param type      temporary (a problem is an Event) or permanent (the answer sets {@code condition})
 * @param condition the condition a permanent rule sets; NPD ignores it on temporary rules
 * @param reason    the Event's reason, or the condition's reason while the script reports a problem
 * @param path      the script; a relative path is resolved against the agent's working directory, as NPD does
 * @param args      its arguments
 * @param timeout   how long it may run; absent: pluginConfig's timeout
 */
public record Rule(RuleType type, String condition, String reason, String path, List<String> args, Optional<Duration> timeout) implements NpdRule {
    public Rule {
        condition = RuleReport.checked(type, condition, reason, "NTPIsDown", "NTPProblem").condition();
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path: missing; write the check script to run, such as /config/plugin/check_ntp.sh");
        }
        try {
            Path.of(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("path: \"" + path + "\" is not a file path (" + e.getReason() + ")");
        }
        args = args == null ? List.of() : List.copyOf(args);
        timeout = timeout == null ? Optional.empty() : timeout;
        if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
            throw new IllegalArgumentException("timeout: " + timeout.get() + " must be positive, such as \"3s\"");
        }
    }

    /** The script's file name, which is what messages name. */
    String scriptName() {
        Path file = Path.of(path).getFileName();
        return file == null ? path : file.toString();
    }
}
