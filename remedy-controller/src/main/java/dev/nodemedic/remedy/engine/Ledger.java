package dev.nodemedic.remedy.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller has done to one node, kept in a NodeRemedyLedger named as the node
 * ({@link LedgerCodec}) so that a new leader continues where the last one stopped. Only the controller
 * may write that kind; a node cannot.
 *
 * @param policy        the policy that owns the node while an attempt runs or a person is needed
 * @param attemptStarts when each attempt of the current window began (pruned to the window)
 * @param current       the attempt under way, if any
 * @param needsHuman    the controller gave up; it does not touch the node until a person deletes the ledger
 */
public record Ledger(String policy, List<Instant> attemptStarts, Optional<Attempt> current, boolean needsHuman) {
    public Ledger {
        Objects.requireNonNull(policy, "policy");
        attemptStarts = List.copyOf(attemptStarts);
        Objects.requireNonNull(current, "current");
    }

    /** The rung of the ladder the node is on, and since when. */
    public record Attempt(Instant startedAt, int step, Instant stepStartedAt) {
        public Attempt {
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(stepStartedAt, "stepStartedAt");
            if (step < 0) {
                throw new IllegalArgumentException("step " + step + " is negative");
            }
        }
    }

    /** The node carries our marks: an attempt runs, or it was left to a person as it was. */
    public boolean inFlight() {
        return current.isPresent() || needsHuman;
    }

    public long attemptsSince(Instant windowStart) {
        return attemptStarts.stream().filter(start -> start.isAfter(windowStart)).count();
    }

    public Optional<Instant> lastAttemptStart() {
        return attemptStarts.stream().max(Instant::compareTo);
    }

    public Ledger startAttempt(Instant now, Duration window) {
        List<Instant> starts = new ArrayList<>(pruned(now, window));
        starts.add(now);
        return new Ledger(policy, starts, Optional.of(new Attempt(now, 0, now)), false);
    }

    public Ledger escalate(int step, Instant now) {
        Attempt attempt = current.orElseThrow(() -> new IllegalStateException("no attempt under way to escalate"));
        return new Ledger(policy, attemptStarts, Optional.of(new Attempt(attempt.startedAt(), step, now)), false);
    }

    /** After an undo: no attempt, but the history stays so maxAttempts still counts it. */
    public Ledger recovered(Instant now, Duration window) {
        return new Ledger(policy, pruned(now, window), Optional.empty(), false);
    }

    /**
     * The ledger with every time after {@code now} moved back to {@code now}. A ledger is read, not
     * trusted: a time in the future would hold {@code minInterval} (from the latest attempt start) and a
     * step's timeout until then, and count an attempt for longer than {@code attemptWindow}. A leader
     * whose clock ran ahead of this one's writes such times too.
     */
    public Ledger notAfter(Instant now) {
        List<Instant> starts = attemptStarts.stream().map(start -> earlier(start, now)).toList();
        Optional<Attempt> attempt = current.map(a -> new Attempt(earlier(a.startedAt(), now), a.step(), earlier(a.stepStartedAt(), now)));
        return new Ledger(policy, starts, attempt, needsHuman);
    }

    private static Instant earlier(Instant time, Instant now) {
        return time.isAfter(now) ? now : time;
    }

    public Ledger givenUp() {
        return new Ledger(policy, attemptStarts, current, true);
    }

    private List<Instant> pruned(Instant now, Duration window) {
        Instant windowStart = now.minus(window);
        return attemptStarts.stream().filter(start -> start.isAfter(windowStart)).toList();
    }

    public static Ledger empty(String policy) {
        return new Ledger(policy, List.of(), Optional.empty(), false);
    }
}
