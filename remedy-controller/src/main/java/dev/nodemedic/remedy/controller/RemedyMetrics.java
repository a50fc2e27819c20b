package dev.nodemedic.remedy.controller;

import dev.nodemedic.apiserver.events.EventMetrics;
import dev.nodemedic.remedy.engine.Blocker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The controller's series:
 * <ul>
 * <li>{@code nodemedic_remedy_actions_total{policy,action,result}}: every action and its outcome
 *     ({@code applied}, {@code unchanged}, {@code would_apply}, {@code refused}, {@code failed})</li>
 * <li>{@code nodemedic_remedy_blocked_nodes{policy,reason}}: unhealthy nodes a gate holds back now</li>
 * <li>{@code nodemedic_remedy_blocked_total{policy,reason}}: each time a node became blocked</li>
 * <li>{@code nodemedic_remedy_nodes_in_flight{policy}}, {@code nodemedic_remedy_unhealthy_nodes{policy}},
 *     {@code nodemedic_remedy_needs_human_nodes{policy}}</li>
 * <li>{@code nodemedic_remedy_untrusted_ledgers_total{reason}}: ledgers read and not believed as they were:
 *     {@code unreadable} (its node held until it reads again), {@code future_time} (its times moved back to now), {@code node_annotation}
 *     (a ledger on a Node, where the controller no longer keeps it; ignored)</li>
 * <li>{@code nodemedic_remedy_events_sent_total{verb}}, {@code nodemedic_remedy_events_aggregated_total},
 *     {@code nodemedic_remedy_events_dropped_total{reason}} ({@code rate_limited}, {@code buffer_full},
 *     {@code rejected}) and {@code nodemedic_remedy_event_requests_total{verb,code}}: the Events on nodes,
 *     counted as the node agent counts its own</li>
 * </ul>
 * One per process, handed to the controller of each leadership term: Micrometer keeps the first gauge
 * registered under a name and tags and ignores the object of any later registration, so gauges made
 * per term would go on reading the first term's numbers. The gauges' values are set by whichever
 * controller is running and zeroed when it stops ({@link #reset}).
 */
public final class RemedyMetrics implements EventMetrics {
    private final MeterRegistry registry;
    // Written by the running controller's thread, zeroed by the thread that ends its term, read by scrapes.
    private final Map<String, PolicyGauges> gauges = new ConcurrentHashMap<>();

    public RemedyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private final class PolicyGauges {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger unhealthy = new AtomicInteger();
        final AtomicInteger needsHuman = new AtomicInteger();
        final Map<Blocker, AtomicInteger> blocked = new EnumMap<>(Blocker.class);

        PolicyGauges(String policy) {
            Tags tags = Tags.of("policy", policy);
            registry.gauge("nodemedic_remedy_nodes_in_flight", tags, inFlight);
            registry.gauge("nodemedic_remedy_unhealthy_nodes", tags, unhealthy);
            registry.gauge("nodemedic_remedy_needs_human_nodes", tags, needsHuman);
            for (Blocker blocker : Blocker.values()) {
                AtomicInteger count = new AtomicInteger();
                blocked.put(blocker, count);
                registry.gauge("nodemedic_remedy_blocked_nodes", tags.and("reason", blocker.reason()), count);
            }
        }
    }

    private PolicyGauges of(String policy) {
        return gauges.computeIfAbsent(policy, PolicyGauges::new);
    }

    void action(String policy, String action, String result) {
        Counter.builder("nodemedic_remedy_actions_total").tags("policy", policy, "action", action, "result", result)
                .register(registry).increment();
    }

    void untrustedLedger(String reason) {
        Counter.builder("nodemedic_remedy_untrusted_ledgers_total").tags("reason", reason).register(registry).increment();
    }

    @Override
    public void eventRequest(String verb, String code) {
        Counter.builder("nodemedic_remedy_event_requests_total").tags("verb", verb, "code", code).register(registry).increment();
    }

    @Override
    public void eventSent(String verb) {
        Counter.builder("nodemedic_remedy_events_sent_total").tags("verb", verb).register(registry).increment();
    }

    @Override
    public void eventAggregated() {
        Counter.builder("nodemedic_remedy_events_aggregated_total").register(registry).increment();
    }

    @Override
    public void eventDropped(String reason) {
        Counter.builder("nodemedic_remedy_events_dropped_total").tags("reason", reason).register(registry).increment();
    }

    void becameBlocked(String policy, Blocker blocker) {
        Counter.builder("nodemedic_remedy_blocked_total").tags("policy", policy, "reason", blocker.reason()).register(registry).increment();
    }

    void pass(String policy, int inFlight, int unhealthy, int needsHuman, Map<Blocker, Integer> blocked) {
        PolicyGauges policyGauges = of(policy);
        policyGauges.inFlight.set(inFlight);
        policyGauges.unhealthy.set(unhealthy);
        policyGauges.needsHuman.set(needsHuman);
        policyGauges.blocked.forEach((blocker, count) -> count.set(blocked.getOrDefault(blocker, 0)));
    }

    /** A deleted policy's gauges read zero rather than its last values. */
    void forget(String policy) {
        if (gauges.containsKey(policy)) {
            pass(policy, 0, 0, 0, Map.of());
        }
    }

    /**
     * Every gauge to zero: the term ended, and a follower must not go on reporting the nodes it no longer
     * watches (summed over the replicas, the leader's numbers stay the only ones). Counters keep counting.
     */
    void reset() {
        gauges.keySet().forEach(this::forget);
    }
}
