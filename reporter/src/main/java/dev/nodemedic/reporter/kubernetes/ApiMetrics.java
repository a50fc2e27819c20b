package dev.nodemedic.reporter.kubernetes;

import dev.nodemedic.apiserver.events.EventMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** The exporter's own metrics, named {@code nodemedic_*} in the Prometheus exposition. */
final class ApiMetrics implements EventMetrics {
    private final MeterRegistry registry;
    private final Timer patchLatency;
    private final Counter aggregated;

    ApiMetrics(MeterRegistry registry, Clock clock, Supplier<Optional<Instant>> lastHeartbeat) {
        this.registry = registry;
        this.patchLatency = Timer.builder("nodemedic.node.status.patch.duration")
                .description("Time the API server took to accept a node status patch")
                .register(registry);
        this.aggregated = Counter.builder("nodemedic.events.aggregated")
                .description("Events folded into an existing Event (count patched) or combined with similar ones")
                .register(registry);
        Gauge.builder("nodemedic.heartbeat.age", () -> lastHeartbeat.get()
                        .map(at -> Duration.between(at, clock.instant()).toMillis() / 1000.0)
                        .orElse(Double.NaN))
                .description("Seconds since the node last accepted our conditions; NaN before the first write")
                .baseUnit("seconds")
                .register(registry);
    }

    void request(String verb, String resource, String code) {
        Counter.builder("nodemedic.api.requests")
                .description("Requests to the API server by verb, resource and response code (none: no answer)")
                .tags("verb", verb, "resource", resource, "code", code)
                .register(registry)
                .increment();
    }

    void patchTook(Duration latency) {
        patchLatency.record(latency);
    }

    @Override
    public void eventRequest(String verb, String code) {
        request(verb, "events", code);
    }

    @Override
    public void eventSent(String verb) {
        Counter.builder("nodemedic.events.sent")
                .description("Events written to the API server: create for a new Event, patch for a repeat's count")
                .tag("verb", verb)
                .register(registry)
                .increment();
    }

    @Override
    public void eventAggregated() {
        aggregated.increment();
    }

    @Override
    public void eventDropped(String reason) {
        Counter.builder("nodemedic.events.dropped")
                .description("Events not written: rate_limited (token bucket), buffer_full (API server away), rejected (by the API server)")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
