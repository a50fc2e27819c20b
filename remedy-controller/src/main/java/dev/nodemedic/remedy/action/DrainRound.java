package dev.nodemedic.remedy.action;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one drain round did. A round never waits: it asks for every eviction that may happen now and
 * returns, and the controller schedules the next round for {@link #nextRoundAt} (or escalates at the
 * drain step's timeout).
 *
 * @param node        the node drained
 * @param outcome     how far the drain is
 * @param evicted     pods whose eviction the API server accepted in this round
 * @param remaining   pods still to go: not yet evicted, blocked, or evicted and still terminating
 * @param blocked     pods the API server refused to evict now, each with why (the PodDisruptionBudget that forbids it)
 * @param nextRoundAt when the next round is worth running; empty when drained (or in dry-run, where nothing changes)
 * @param message     a sentence for status and Events
 */
public record DrainRound(String node, Outcome outcome, List<PodRef> evicted, List<PodRef> remaining, List<Blocked> blocked,
                         Optional<Instant> nextRoundAt, String message) {
    public enum Outcome {
        /** No pod left that a drain moves (DaemonSet pods, mirror pods and finished pods stay and do not count). */
        DRAINED,
        /** Evictions asked for or pods still terminating; nothing blocked. */
        IN_PROGRESS,
        /** At least one eviction refused (429): a PodDisruptionBudget, named in {@link Blocked#budget}. */
        BLOCKED,
        /** Dry-run: {@link #evicted} lists what would be evicted now; nothing was. */
        WOULD_EVICT,
        /** The API server failed (listing pods or evicting); try again at {@link #nextRoundAt}. */
        FAILED
    }

    /**
     * A pod the API server would not evict now.
     *
     * @param pod    the pod
     * @param budget the PodDisruptionBudget selecting the pod ({@code namespace/name}), empty when none does
     *               (the 429 was the API server's own throttling)
     * @param why    a sentence naming the budget and its numbers
     */
    public record Blocked(PodRef pod, Optional<String> budget, String why) {
        public Blocked {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(why, "why");
        }
    }

    public DrainRound {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(outcome, "outcome");
        evicted = List.copyOf(evicted);
        remaining = List.copyOf(remaining);
        blocked = List.copyOf(blocked);
        Objects.requireNonNull(nextRoundAt, "nextRoundAt");
        Objects.requireNonNull(message, "message");
    }

    /** The first blocking budget, for a status line and the Event: {@code shop/web-pdb}. */
    public Optional<String> blockingBudget() {
        return blocked.stream().flatMap(b -> b.budget().stream()).findFirst();
    }
}
