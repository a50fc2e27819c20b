package dev.nodemedic.daemons.kubelethealth;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the kubelet's PLEG health error in one of its log lines. The kubelet builds it as
 * {@code "<check> is not healthy: <error>"} for its health checks {@code PLEG} and {@code EventedPLEG}
 * (pkg/kubelet/runtime.go), and logs it inside other messages, all of which this reads:
 * <pre>
 * E1207 15:16:22.530073 14756 kubelet.go:1846] skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 3m5.3s ago; threshold is 3m0s]
 * E0610 17:39:22.920969  1980 kubelet.go:2353] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m10.5s ago; threshold is 3m0s"
 * I0610 17:42:01.000000  1980 setters.go:602] "Node became not ready" node="node-a" condition={..."reason":"KubeletNotReady","message":"PLEG is not healthy: ..."}
 * </pre>
 * Several errors are joined with {@code ", "} inside {@code [...]}; a PLEG error itself never holds a comma,
 * a quote or a bracket, so it ends at the first of those.
 */
final class PlegLine {
    private static final String MARK = "PLEG is not healthy";
    private static final Pattern ERROR = Pattern.compile("(?:Evented)?PLEG is not healthy: .*?(?=[\\]\"\\\\}]|, |$)");
    /** What PLEG says before its first relist has finished: at every kubelet start, for a moment. */
    private static final String NOT_YET = "pleg has yet to be successful";

    /** What the kubelet said about its PLEG. */
    sealed interface Report {
        /** The kubelet's error as it wrote it. */
        String error();

        /** PLEG has not relisted within the kubelet's threshold: pods on the node are not being synced. */
        record Stalled(String error) implements Report {
        }

        /** PLEG has not relisted once since the kubelet started. */
        record NotYetRelisted(String error) implements Report {
        }
    }

    private PlegLine() {
    }

    static Optional<Report> parse(String line) {
        // A cheap test first: the kubelet writes thousands of lines for every one about PLEG.
        if (!line.contains(MARK)) {
            return Optional.empty();
        }
        Matcher matcher = ERROR.matcher(line);
        if (!matcher.find()) {
            return Optional.empty();
        }
        String error = matcher.group().strip();
        return Optional.of(error.endsWith(NOT_YET) ? new Report.NotYetRelisted(error) : new Report.Stalled(error));
    }
}
