package dev.nodemedic.core.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.NoConfig;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code # HELP} line of a daemon's counters and gauges, as the agent's Prometheus registry writes it. */
class InstanceContextMetricHelpTest {
    private static final String LINES_READ = "log lines read, per source kind";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Reporter reporter = new Reporter(List.of(), new RecentEvents(10));
    private final ManualClock clock = new ManualClock();
    private final List<InstanceContext> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        contexts.forEach(InstanceContext::close);
    }

    /** A new start of instance {@code name}, as the supervisor makes one. */
    private InstanceContext start(String name) {
        DaemonSpec spec = new DaemonSpec(name, "tailer", "tailer-plugin", "1.0.0", () -> {
            throw new AssertionError("these tests make no daemon");
        }, new NoConfig(), Optional.empty(), List.of(), List.of());
        InstanceContext context = new InstanceContext(spec, reporter, clock, registry, HostServices.NONE, cause -> {
            throw new AssertionError(cause);
        });
        contexts.add(context);
        return context;
    }

    /** Every {@code # HELP} line of {@code metric} in the exposition. */
    private List<String> helpLines(String metric) {
        List<String> lines = new ArrayList<>();
        Matcher help = Pattern.compile("(?m)^# HELP " + Pattern.quote(metric) + " (.*)$").matcher(registry.scrape());
        while (help.find()) {
            lines.add(help.group(1));
        }
        return lines;
    }

    @Test
    void aCountersAndAGaugesHelpIsTheirHelpLine() {
        InstanceContext context = start("tailer");
        context.counter("lines_read", LINES_READ, Map.of("source", "file")).accept(3);
        context.gauge("source_up", "1 for the source kind the instance reads, 0 for the others", Map.of("source", "file")).accept(1);

        assertThat(helpLines("nodemedic_lines_read_total")).containsExactly(LINES_READ);
        assertThat(helpLines("nodemedic_source_up")).containsExactly("1 for the source kind the instance reads, 0 for the others");
        assertThat(registry.scrape()).contains("nodemedic_lines_read_total{daemon=\"tailer\",source=\"file\"} 3.0\n",
                "nodemedic_source_up{daemon=\"tailer\",source=\"file\"} 1.0\n");
    }

    @Test
    void aRestartedStartRegistersAgainUnderTheSameHelpAndCountsOn() {
        InstanceContext first = start("tailer");
        first.counter("lines_read", LINES_READ, Map.of("source", "file")).accept(3);
        first.gauge("source_up", "1 while the source is read", Map.of()).accept(1);
        first.close();
        assertThat(helpLines("nodemedic_source_up")).as("a closed start's gauge leaves /metrics").isEmpty();

        InstanceContext second = start("tailer");
        second.counter("lines_read", LINES_READ, Map.of("source", "file")).accept(2);
        second.gauge("source_up", "1 while the source is read", Map.of());

        assertThat(helpLines("nodemedic_lines_read_total")).containsExactly(LINES_READ);
        assertThat(helpLines("nodemedic_source_up")).containsExactly("1 while the source is read");
        assertThat(registry.scrape()).contains("nodemedic_lines_read_total{daemon=\"tailer\",source=\"file\"} 5.0\n",
                "nodemedic_source_up{daemon=\"tailer\"} 0.0\n");
    }

    @Test
    void twoInstancesOfOneDaemonShareOneHelpLine() {
        start("tailer-a").counter("lines_read", LINES_READ, Map.of("source", "file")).accept(1);
        start("tailer-b").counter("lines_read", LINES_READ, Map.of("source", "file")).accept(2);

        assertThat(helpLines("nodemedic_lines_read_total")).containsExactly(LINES_READ);
        assertThat(registry.scrape()).contains("nodemedic_lines_read_total{daemon=\"tailer-a\",source=\"file\"} 1.0\n",
                "nodemedic_lines_read_total{daemon=\"tailer-b\",source=\"file\"} 2.0\n");
    }

    /** Micrometer would write the help of whichever meter of the name it meets first in a hash map; the agent keeps the first given. */
    @Test
    void aDifferingOrMissingHelpForANameAlreadyExportedKeepsTheFirst() {
        start("tailer-a").counter("lines_read", LINES_READ, Map.of());
        for (int i = 0; i < 20; i++) {
            start("tailer-new-" + i).counter("lines_read", "lines read, a later wording", Map.of());
            start("tailer-old-" + i).counter("lines_read", Map.of());
        }

        assertThat(helpLines("nodemedic_lines_read_total")).containsExactly(LINES_READ);
    }

    @Test
    void aGaugesHelpCanChangeOnceNoneOfItsSeriesIsLeft() {
        InstanceContext first = start("tailer");
        first.gauge("source_up", "1 while the source is read", Map.of());
        first.close();

        start("tailer").gauge("source_up", "1 while the source is read, 0 while it is looked for", Map.of());

        assertThat(helpLines("nodemedic_source_up")).containsExactly("1 while the source is read, 0 while it is looked for");
    }

    @Test
    void aPluginBuiltBeforeHelpsStillCountsUnderAnEmptyHelp() {
        InstanceContext context = start("tailer");
        LongConsumer counter = context.counter("lines_read", Map.of("source", "file"));
        DoubleConsumer gauge = context.gauge("source_up", Map.of());
        counter.accept(4);
        gauge.accept(1);

        assertThat(registry.scrape()).contains("nodemedic_lines_read_total{daemon=\"tailer\",source=\"file\"} 4.0\n",
                "nodemedic_source_up{daemon=\"tailer\"} 1.0\n");
        assertThat(helpLines("nodemedic_lines_read_total")).singleElement().as("Micrometer writes a missing description as a space").isEqualTo(" ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void aBlankHelpIsRefusedNamingTheMetric(String help) {
        InstanceContext context = start("tailer");
        assertThatThrownBy(() -> context.counter("lines_read", help, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("counter lines_read needs a help: one line saying what the series counts or means, such as \"log lines read, per source kind\";"
                        + " it was blank");
        assertThatThrownBy(() -> context.gauge("source_up", help, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("gauge source_up needs a help: ");
        assertThat(registry.find("nodemedic_lines_read").meters()).as("nothing registered").isEmpty();
    }

    @Test
    void aNullHelpIsRefusedNamingTheMetric() {
        assertThatThrownBy(() -> start("tailer").gauge("source_up", null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("gauge source_up needs a help: ").hasMessageEndingWith("; it was null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lines read\nper source", "lines read\r\nper source", "lines read\rper source", "lines read\n", "lines read\u2028per source"})
    void aHelpOfMoreThanOneLineIsRefusedNamingTheMetric(String help) {
        InstanceContext context = start("tailer");
        assertThatThrownBy(() -> context.counter("lines_read", help, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("counter lines_read has a help of more than one line; write it on one line, as Prometheus's # HELP line holds one");
        assertThatThrownBy(() -> context.gauge("source_up", help, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("gauge source_up has a help of more than one line");
        assertThat(registry.find("nodemedic_source_up").meters()).as("nothing registered").isEmpty();
    }

    @Test
    void aBadNameIsNamedBeforeItsHelp() {
        assertThatThrownBy(() -> start("tailer").counter("Lines-Read", "", Map.of()))
                .hasMessageContaining("counter name \"Lines-Read\" must be lower_snake_case");
    }
}
