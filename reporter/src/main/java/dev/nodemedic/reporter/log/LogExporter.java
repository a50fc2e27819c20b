package dev.nodemedic.reporter.log;

import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.Exporter;
import dev.nodemedic.reporter.OwnedCondition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every condition transition, and events, to the agent's log: the whole story in local mode,
 * and the record of what was sent in a cluster. One line per change, never one per observation: an
 * event that repeats (same daemon, source and reason) is logged at most once per {@link #EVENT_QUIET},
 * with the number of repeats not logged in between, so a log storm cannot turn into a log-file storm.
 */
public final class LogExporter implements Exporter {
    /** How long repeats of one event are summarised instead of logged. */
    static final Duration EVENT_QUIET = Duration.ofSeconds(10);
    /** Event kinds remembered at most; the least recently seen is forgotten first. */
    static final int MAX_EVENT_KINDS = 1000;
    private static final Logger log = LoggerFactory.getLogger(LogExporter.class);

    private record EventKind(String owner, String source, String reason) {
    }

    private static final class Repeats {
        Instant lastLogged;
        long notLogged;

        Repeats(Instant lastLogged) {
            this.lastLogged = lastLogged;
        }
    }

    private final String node;
    private final Clock clock;
    private final Map<EventKind, Repeats> repeats = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<EventKind, Repeats> eldest) {
            return size() > MAX_EVENT_KINDS;
        }
    };

    public LogExporter(String node, Clock clock) {
        this.node = node;
        this.clock = clock;
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
        long skipped;
        synchronized (repeats) {
            Instant now = clock.instant();
            EventKind kind = new EventKind(owner, event.source(), event.reason());
            Repeats seen = repeats.get(kind);
            if (seen != null && now.isBefore(seen.lastLogged.plus(EVENT_QUIET))) {
                seen.notLogged++;
                return;
            }
            skipped = seen == null ? 0 : seen.notLogged;
            repeats.put(kind, new Repeats(now));
        }
        if (skipped > 0) {
            log.info("event repeated node={} daemon={} source={} reason={} notLogged={} window={}s", node, owner, event.source(), event.reason(), skipped,
                    EVENT_QUIET.toSeconds());
        }
        log.info("event node={} daemon={} source={} type={} reason={} message={}", node, owner, event.source(),
                event.severity().eventType(), event.reason(), quoted(event.message()));
    }

    private static String quoted(String value) {
        String shown = value.length() > 256 ? value.substring(0, 256) + "…" : value;
        return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
