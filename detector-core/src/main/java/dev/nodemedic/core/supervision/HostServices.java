package dev.nodemedic.core.supervision;

import java.util.Map;
import java.util.Optional;

/**
 * What the agent already runs and shares with daemons through {@code DaemonContext.hostService}, by class.
 *
 * <p>Today that is the agent's one {@code io.vertx.core.Vertx}: a plugin needing sockets uses it instead of
 * starting a second event loop. The lookup is by class identity, so a plugin that bundles its own copy of
 * the library gets nothing, which is what daemon-api's README tells plugin authors.
 */
public final class HostServices {
    public static final HostServices NONE = new HostServices(Map.of());

    private final Map<Class<?>, Object> services;

    private HostServices(Map<Class<?>, Object> services) {
        this.services = services;
    }

    public static <T> HostServices of(Class<T> type, T service) {
        return new HostServices(Map.of(type, type.cast(service)));
    }

    <T> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(services.get(type)).map(type::cast);
    }
}
