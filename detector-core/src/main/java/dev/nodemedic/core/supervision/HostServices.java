package dev.nodemedic.core.supervision;

import dev.nodemedic.daemon.api.Journal;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent already runs and shares with daemons through {@code DaemonContext.hostService}, by class.
 *
 * <p>Besides the journal reader, which daemons reach through {@code DaemonContext.journal()}, that is the agent's one {@code io.vertx.core.Vertx}: a plugin needing sockets uses it instead of
 * starting a second event loop. The lookup is by class identity, so a plugin that bundles its own copy of
 * the library gets nothing, which is what daemon-api's README tells plugin authors.
 */
public final class HostServices {
    public static final HostServices NONE = new HostServices(Map.of(), Journal.unavailable("this agent shares no systemd journal with its daemons"));

    private final Map<Class<?>, Object> services;
    private final Journal journal;

    private HostServices(Map<Class<?>, Object> services, Journal journal) {
        this.services = services;
        this.journal = journal;
    }

    public static <T> HostServices of(Class<T> type, T service) {
        return new HostServices(Map.of(type, type.cast(service)), NONE.journal);
    }

    /** The same services and {@code journal}, the node's one journal reader ({@code DaemonContext.journal()}). */
    public HostServices withJournal(Journal journal) {
        return new HostServices(services, journal);
    }

    Journal journal() {
        return journal;
    }

    <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(services.get(type)).map(type::cast);
    }
}
