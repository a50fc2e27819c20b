package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one policy's status when it changed, at most once per {@link #INTERVAL}. */
final class PolicyStatusWriter {
    private static final Logger log = LoggerFactory.getLogger(PolicyStatusWriter.class);
    /**
     * At most one status write per policy in this span: in a storm every node changes within a minute,
     * and the status is for people, who read it no faster. The last change is always written.
     */
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final StatusStore store;
    private final String policy;
    private NodeRemedyPolicyStatus lastWritten;
    private Instant lastWriteAt = Instant.MIN;

    /** @param found the status the policy carried when the controller first saw it (null: none), not written again while unchanged */
    PolicyStatusWriter(StatusStore store, String policy, NodeRemedyPolicyStatus found) {
        this.store = store;
        this.policy = policy;
        this.lastWritten = found;
    }

    /** Writes the status if it changed; returns when to pass again to write it (throttled, or failed and tried again). */
    Optional<Instant> write(NodeRemedyPolicyStatus status, Instant now) {
        if (status.equals(lastWritten)) {
            return Optional.empty();
        }
        Instant allowed = lastWriteAt.plus(INTERVAL);
        if (allowed.isAfter(now)) {
            return Optional.of(allowed);
        }
        Optional<String> failure = store.write(policy, status);
        lastWriteAt = now;
        if (failure.isPresent()) {
            log.warn("policy status not written policy={}: {}", policy, failure.get());
            return Optional.of(now.plus(NodeBackoff.FIRST));
        }
        lastWritten = status;
        return Optional.empty();
    }
}
