package dev.nodemedic.apiserver.events;

/**
 * What the correlator decided for one emitted event. The caller does the I/O this asks for; the
 * decision itself never touches the network.
 */
public sealed interface EventDecision {

    /** The event as it should now stand on the API server; for a drop, as it would have. */
    EventRecord record();

    /**
     * A new API object.
     *
     * @param combined whether this stands for ten or more similar events (client-go's aggregation)
     */
    record Create(EventRecord record, boolean combined) implements EventDecision {
    }

    /** An exact repeat: patch count, lastTimestamp and message of the object named in the record. */
    record Patch(EventRecord record) implements EventDecision {
    }

    /** Over the (source, node) budget: no API call. Still counted, so the next patch carries the full count. */
    record Drop(EventRecord record) implements EventDecision {
    }
}
