package dev.nodemedic.reporter.prometheus;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.Exporter;
import dev.nodemedic.reporter.OwnedCondition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Optional;

/**
 * The node's metrics: NPD's {@code problem_counter} and {@code problem_gauge} with NPD's semantics,
 * plus every {@code nodemedic_*} meter registered on {@link #registry()}. The agent's HTTP server
 * serves {@link #scrape()} on {@code /metrics} with {@link #CONTENT_TYPE}.
 *
 * <p>As in NPD: {@code problem_counter{reason}} counts each problem once: an event, or a condition
 * becoming True or changing its reason while True (an event announcing that change, or a return to
 * healthy, is not counted again); {@code problem_gauge{type,reason}} is 1 while the condition
 * of that type is True with that reason, and the type's previous reason drops to 0. Every reason a
 * daemon declares ({@code ProblemDaemon.reasons}) is there at 0 from its start, as NPD's rules are.
 */
public final class PrometheusExporter implements Exporter {
    /** Prometheus text format 0.0.4, what NPD serves. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** NPD's metrics port, so existing scrape configs find the node agent; bind 127.0.0.1 unless scraped in-cluster. */
    public static final int NPD_PORT = 20257;

    private final PrometheusMeterRegistry registry;
    private final ProblemSeries problems = new ProblemSeries();
    private final PublishedSeries published = new PublishedSeries();
    /** The book as last seen: the healthy reasons of an event's owner. */
    private volatile BookSnapshot latest = BookSnapshot.EMPTY;

    public PrometheusExporter() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public PrometheusExporter(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** Where the agent and the Kubernetes exporter register their {@code nodemedic.*} meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The whole exposition: Micrometer's meters, then NPD's two families, then what daemons published as named. */
    public String scrape() {
        return registry.scrape() + problems.exposition() + published.exposition();
    }

    @Override
    public void metricsPublished(String owner, List<MetricFamily> families) {
        published.publish(owner, families);
    }

    @Override
    public void conditionsChanged(BookSnapshot previous, BookSnapshot snapshot) {
        latest = snapshot;
        for (OwnedCondition now : snapshot.all()) {
            Condition next = now.condition();
            Optional<Condition> before = previous.get(now.type()).map(OwnedCondition::condition);
            boolean statusOrReasonChanged = before.map(b -> b.status() != next.status() || !b.reason().equals(next.reason())).orElse(true);
            if (!statusOrReasonChanged) {
                continue;
            }
            boolean problem = next.status() == ConditionStatus.TRUE;
            problems.setGauge(next.type(), next.reason(), problem);
            if (problem) {
                problems.increment(next.reason(), 1);
            }
        }
        for (OwnedCondition gone : previous.all()) {
            if (snapshot.get(gone.type()).isEmpty()) {
                problems.removeType(gone.type());
            }
        }
    }

    @Override
    public void eventEmitted(String owner, Event event) {
        // NPD counts each problem once: a temporary rule's Event, or a condition turning into a problem. The
        // Event a daemon emits for that same change (kernel-log's, as NPD's) was counted with the condition,
        // and an Event saying a condition is healthy again is no problem.
        String reason = event.reason();
        boolean healthyAgain = latest.all().stream().anyMatch(c -> c.owner().equals(owner) && c.declaration().reason().equals(reason));
        if (!healthyAgain && !problems.announcesConditionChange(owner, reason)) {
            problems.increment(reason, 1);
        }
    }

    @Override
    public void reasonsDeclared(String owner, List<ReasonDeclaration> reasons) {
        problems.declare(owner, reasons);
    }

    ProblemSeries problems() {
        return problems;
    }
}
