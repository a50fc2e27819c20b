package dev.nodemedic.reporter.log;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.Exporter;
import dev.nodemedic.reporter.OwnedCondition;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every condition transition and every event to the agent's log: the whole story in local
 * mode, and the record of what was sent in a cluster. One line per change, never one per observation.
 */
public final class LogExporter implements Exporter {
    private static final Logger log = LoggerFactory.getLogger(LogExporter.class);
    private final String node;

    public LogExporter(String node) {
        this.node = node;
    }

    @Override
    public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
        for (OwnedCondition now : snapshot.all()) {
            Optional<OwnedCondition> before = previous.get(now.type());
            if (before.isEmpty()) {
                log.info("condition declared node={} daemon={} type={} status={} reason={}", node, now.owner(), now.type(),
                        now.condition().status().apiValue(), now.condition().reason());
            } else if (!before.get().condition().sameStateAs(now.condition())) {
                log.info("condition changed node={} daemon={} type={} from={} to={} reason={} message={}", node, now.owner(), now.type(),
                        before.get().condition().status().apiValue(), now.condition().status().apiValue(), now.condition().reason(),
                        quoted(now.condition().message()));
            }
        }
        for (OwnedCondition before : previous.all()) {
            if (snapshot.get(before.type()).isEmpty()) {
                log.info("condition withdrawn node={} daemon={} type={}", node, before.owner(), before.type());
            }
        }
    }

    @Override
    public void eventEmitted(String owner, Event event) {
        log.info("event node={} daemon={} source={} type={} reason={} message={}", node, owner, event.source(),
                event.severity().eventType(), event.reason(), quoted(event.message()));
    }

    private static String quoted(String value) {
        String shown = value.length() > 256 ? value.substring(0, 256) + "…" : value;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
