package dev.nodemedic.daemons.kubelethealth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The repairs allowed within any 24 hours. The cooldown alone lets a kubelet that no restart helps (a wrong
 * healthzUrl, a broken node) be killed every cooldown, all day, re-syncing every pod each time; this caps it.
 */
final class RepairBudget {
    static final Duration WINDOW = Duration.ofDays(1);

    private final int max;
    /** When the repairs within the window ran, oldest first; never more than {@link #max}. */
    private final Deque<Instant> spent = new ArrayDeque<>();

    RepairBudget(int max) {
        this.max = max;
    }

    /** Whether a repair may run at {@code now}. */
    boolean allows(Instant now) {
        while (!spent.isEmpty() && !spent.peekFirst().plus(WINDOW).isAfter(now)) {
            spent.removeFirst();
        }
        return spent.size() < max;
    }

    /** Records a repair at {@code now}; call only after {@link #allows} said yes. */
    void spend(Instant now) {
        spent.addLast(now);
    }

    /** When the next repair is allowed, while {@link #allows} says no. */
    Instant nextAllowed() {
        return spent.peekFirst().plus(WINDOW);
    }

    int max() {
        return max;
    }
}
