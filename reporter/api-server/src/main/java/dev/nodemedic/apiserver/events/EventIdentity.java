package dev.nodemedic.apiserver.events;

import java.util.Objects;
import java.util.Optional;

/**
 * What makes two events "the same" for counting: equal in everything but time. A combined event has
 * no message of its own ({@code exactMessage} empty), so all combined events of one similar group
 * count up one API object, as client-go keys them by the aggregate key.
 */
record EventIdentity(AggregateKey similar, Optional<String> exactMessage) {
    EventIdentity {
        Objects.requireNonNull(similar, "similar");
        Objects.requireNonNull(exactMessage, "exactMessage");
    }
}
