package dev.nodemedic.remedy.controller;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one policy's status when it changed, at most once per {@link #INTERVAL}; a failed write is tried
 * again after {@link NodeRetries}' backoff, as a node's write is. A run of failures is one WARN line at its
 * start (and at each change of kind, which is news), in api-server's {@link ApiFailure} words with the
 * controller's advice, and one INFO line when a write goes through again: in a storm a pass comes every
 * few seconds, and a line per try would bury the rest.
 */
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
    private Instant retryAt = Instant.MIN;
    private int failures;
    private Optional<ApiFailure> failing = Optional.empty();

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
        Instant allowed = later(lastWriteAt.plus(INTERVAL), retryAt);
        if (allowed.isAfter(now)) {
            return Optional.of(allowed);
        }
        Optional<ApiFailure> failure = store.write(policy, status);
        lastWriteAt = now;
        if (failure.isPresent()) {
            return Optional.of(failed(failure.get(), now));
        }
        failing.ifPresent(was -> log.info("policy status written again policy={} was={} failures={}", policy, was.kind(), failures));
        failing = Optional.empty();
        failures = 0;
        retryAt = Instant.MIN;
        lastWritten = status;
        return Optional.empty();
    }

    private Instant failed(ApiFailure failure, Instant now) {
        failures++;
        retryAt = now.plus(NodeRetries.BACKOFF.ceiling(failures, NodeRetries.MAX));
        String call = "patch noderemedypolicies/" + policy + "/status";
        if (failing.map(was -> was.kind() != failure.kind()).orElse(true)) {
            log.warn("policy status not written policy={} code={} next={}: {}; tried again with backoff up to every {}s", policy, failure.codeLabel(),
                    retryAt, failure.explain(call, Caller.CONTROLLER), NodeRetries.MAX.toSeconds());
        } else {
            log.debug("policy status still not written policy={} code={} failures={} next={}", policy, failure.codeLabel(), failures, retryAt);
        }
        failing = Optional.of(failure);
        return retryAt;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
