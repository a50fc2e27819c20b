package dev.nodemedic.apiserver.events;

/**
 * What an Event writer counts; each process maps it onto its own series. Reasons for a drop:
 * {@code rate_limited} (the correlator's budget), {@code buffer_full} (the API server away),
 * {@code rejected} (by the API server).
 */
public interface EventMetrics {
    /** A call to the API server's {@code events} and its answer: the HTTP status, or {@code none} when none came. */
    void eventRequest(String verb, String code);

    /** An Event written: {@code create} for a new one, {@code patch} for a repeat's count. */
    void eventSent(String verb);

    /** An event folded into an existing Event (count patched) or combined with similar ones. */
    void eventAggregated();

    void eventDropped(String reason);
}
