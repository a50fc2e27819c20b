package dev.nodemedic.remedy.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.NodeSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class NodeCacheTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofHours(24);
    private final ManualClock clock = new ManualClock(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NodeCache cache = new NodeCache(clock, new RemedyMetrics(registry));

    private static NodeSnapshot node(String name) {
        return new NodeSnapshot(name, Map.of(), List.of(), Optional.empty(), Optional.empty(), false);
    }

    @Test
    void aWrittenLedgerStandsUntilTheInformerBringsIt() {
        Ledger read = Ledger.empty("kernel").startAttempt(T0.minusSeconds(60), WINDOW);
        Ledger written = read.escalate(1, T0);
        cache.nodeChanged(node("node-a"));
        cache.ledgerChanged("node-a", Optional.of(read));

        cache.ledgerWritten("node-a", written);
        assertThat(cache.ledger("node-a")).as("seen by the next pass before the informer brings it").contains(written);

        cache.ledgerChanged("node-a", Optional.of(read));
        cache.ledgerChanged("node-a", Optional.empty());
        cache.nodeChanged(node("node-a"));
        assertThat(cache.ledger("node-a")).as("older informer events do not undo the write").contains(written);

        cache.ledgerChanged("node-a", Optional.of(written));
        cache.ledgerChanged("node-a", Optional.empty());
        assertThat(cache.ledger("node-a")).as("once the write came back, the informer is believed again").isEmpty();
    }

    @Test
    void aLedgerReadBeforeItsNodeIsCarriedByTheNode() {
        Ledger ledger = Ledger.empty("kernel").startAttempt(T0, WINDOW);
        cache.ledgerChanged("node-a", Optional.of(ledger));

        cache.nodeChanged(node("node-a"));

        assertThat(cache.snapshots()).singleElement().satisfies(n -> assertThat(n.ledger()).contains(ledger));
    }

    @Test
    void anUnreadableLedgerHoldsTheNodeUntilALedgerReadsOrGoesAndIsSaidOnce() {
        Ledger ledger = Ledger.empty("kernel").startAttempt(T0, WINDOW);
        cache.ledgerChanged("node-a", Optional.of(ledger));
        cache.nodeChanged(node("node-a"));

        List<LogRecord> logged = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(NodeCache.class.getName());
        log.addHandler(handler);
        try {
            cache.ledgerUnreadable("node-a", "spec.attempt.step -1 is negative");
            cache.ledgerUnreadable("node-a", "spec.attempt.step -1 is negative");
            cache.nodeChanged(node("node-a"));
        } finally {
            log.removeHandler(handler);
        }

        assertThat(logged).as("one WARN naming the node, the object, the field and what to do").singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("node held node=node-a", "object=noderemedyledger/node-a", "spec.attempt.step -1 is negative",
                    "kubectl edit noderemedyledger node-a", "kubectl delete noderemedyledger node-a");
        });

        assertThat(cache.snapshots()).singleElement().satisfies(n -> {
            assertThat(n.ledger()).as("not taken as having none, nor as the ledger before").isEmpty();
            assertThat(n.unreadableLedger()).contains("spec.attempt.step -1 is negative");
        });
        assertThat(registry.find("nodemedic_remedy_untrusted_ledgers_total").tags("reason", "unreadable").counter().count())
                .as("said once per change, not per read").isEqualTo(1.0);

        cache.ledgerChanged("node-a", Optional.of(ledger));
        assertThat(cache.snapshots()).singleElement().satisfies(n -> {
            assertThat(n.ledger()).contains(ledger);
            assertThat(n.unreadableLedger()).isEmpty();
        });

        cache.ledgerUnreadable("node-a", "it names no policy (spec.policy)");
        cache.ledgerChanged("node-a", Optional.empty());
        assertThat(cache.snapshots()).singleElement().satisfies(n -> assertThat(n.unreadableLedger()).as("deleted: released").isEmpty());
        cache.ledgerUnreadable("node-a", "it names no policy (spec.policy)");
        assertThat(cache.nodeRemoved("node-a")).as("its unreadable NodeRemedyLedger is deleted with the node").isTrue();
    }

    @Test
    void ledgerTimesAfterNowAreMovedBackToNowAndCounted() {
        cache.nodeChanged(node("node-a"));

        cache.ledgerChanged("node-a", Optional.of(Ledger.empty("kernel").startAttempt(T0.plus(Duration.ofHours(1)), WINDOW)));

        assertThat(cache.ledger("node-a")).contains(Ledger.empty("kernel").startAttempt(T0, WINDOW));
        assertThat(registry.counter("nodemedic_remedy_untrusted_ledgers_total", "reason", "future_time").count()).isEqualTo(1.0);
    }

    @Test
    void aRemovedNodeSaysWhetherItHadALedgerAndTheNextOfItsNameStartsAfresh() {
        cache.nodeChanged(node("node-a"));
        cache.nodeChanged(node("node-b"));
        cache.ledgerWritten("node-a", Ledger.empty("kernel").startAttempt(T0, WINDOW));

        assertThat(cache.nodeRemoved("node-a")).isTrue();
        assertThat(cache.nodeRemoved("node-b")).isFalse();

        cache.nodeChanged(node("node-a"));
        assertThat(cache.ledger("node-a")).isEmpty();
    }
}
