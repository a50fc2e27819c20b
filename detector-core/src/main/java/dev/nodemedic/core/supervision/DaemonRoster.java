package dev.nodemedic.core.supervision;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every daemon of the node in one list, plugin instances first, then remote daemons: what the status
 * page and {@code nodemedic_daemon_up} show, so the two kinds look alike to their readers.
 */
public final class DaemonRoster {
    private final Consumer<List<DaemonStatus>> onChange;
    private List<DaemonStatus> plugins = List.of();
    private List<DaemonStatus> remotes = List.of();
    private volatile List<DaemonStatus> all = List.of();

    /** @param onChange hears every new list, under this roster's lock, from whichever thread changed it */
    public DaemonRoster(Consumer<List<DaemonStatus>> onChange) {
        this.onChange = onChange;
    }

    /** The plugin instances' latest statuses: the supervisor publishes here. */
    public synchronized void plugins(List<DaemonStatus> statuses) {
        plugins = List.copyOf(statuses);
        publish();
    }

    /** The remote daemons' latest statuses. */
    public synchronized void remotes(List<DaemonStatus> statuses) {
        remotes = List.copyOf(statuses);
        publish();
    }

    public List<DaemonStatus> all() {
        return all;
    }

    private void publish() {
        List<DaemonStatus> next = new ArrayList<>(plugins.size() + remotes.size());
        next.addAll(plugins);
        next.addAll(remotes);
        all = List.copyOf(next);
        onChange.accept(all);
    }
}
