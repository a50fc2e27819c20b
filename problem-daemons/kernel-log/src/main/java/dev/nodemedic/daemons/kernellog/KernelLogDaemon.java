package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.daemons.kernellog.rules.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.rules.Match;
import dev.nodemedic.daemons.kernellog.rules.Rule;
import dev.nodemedic.daemons.kernellog.rules.RuleEngine;
import dev.nodemedic.daemons.kernellog.rules.RuleType;
import dev.nodemedic.daemons.kernellog.source.BootTime;
import dev.nodemedic.daemons.kernellog.source.LogSource;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.pf4j.Extension;

/**
 * The kernel-log daemon: reads the kernel log (or any system log NPD's system-log-monitor reads) and
 * turns rule matches into Events (temporary rules) and node conditions (permanent rules). One object
 * per config file; NPD's {@code kernel-monitor.json}, {@code docker-monitor.json}, ... load unchanged.
 */
@Extension
public final class KernelLogDaemon implements ProblemDaemon<KernelLogConfig> {
    /** How long stop() waits for the source thread; the agent's own bound is a few seconds. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final Host host;
    private final RaisedConditions raised = new RaisedConditions();
    /** The reason each True condition was raised with; guarded by {@code raised}. */
    private final Map<String, String> trueReasons = new HashMap<>();
    /** Made once: a method reference built per line would be an allocation per line. */
    private final Consumer<Match> onMatch = this::matched;
    private LongConsumer linesRead = added -> {
    };
    private LongConsumer linesMatched = added -> {
    };
    private volatile DaemonContext<KernelLogConfig> context;
    private volatile LogSource source;
    private volatile Thread reader;
    private volatile boolean stopping;
    private RuleEngine engine;
    private List<String> skipList;

    public KernelLogDaemon() {
        this(Host.linux());
    }

    KernelLogDaemon(Host host) {
        this.host = host;
    }

    @Override
    public String name() {
        return "kernel-log";
    }

    @Override
    public Class<KernelLogConfig> configType() {
        return KernelLogConfig.class;
    }

    @Override
    public List<ReasonDeclaration> reasons(KernelLogConfig config) {
        return config.reasons();
    }

    @Override
    public List<ConditionDeclaration> conditions(KernelLogConfig config) {
        return config.declarations();
    }

    @Override
    public void start(DaemonContext<KernelLogConfig> context) throws IOException {
        this.context = context;
        KernelLogConfig config = context.config();
        engine = new RuleEngine(config.rules(), config.bufferSize());
        skipList = config.skipList();
        Instant now = context.clock().instant();
        BootTime boot = BootTime.fromUptime(host.procUptime(), context.clock());
        Instant startTime = boot.startTime(now, config.lookback(), config.delay());
        SourceSelection.Chosen chosen = new SourceSelection(host, context.clock(), context.logger()).open(config, boot, startTime);
        source = chosen.source();
        // Per source kind (kmsg, file, journald), never per path or line: a few series at most.
        Map<String, String> labels = Map.of("source", source.kind());
        linesRead = context.counter("kernel_log_lines_read", labels);
        linesMatched = context.counter("kernel_log_rule_matches", labels);
        context.logger().log(Level.INFO, "kernel-log reading instance={0} source=\"{1}\" why=\"{2}\" rules={3} since={4}",
                context.instanceName(), source.describe(), chosen.why(), config.rules().size(), startTime);
        Thread thread = context.threads().newThread(this::read);
        reader = thread;
        thread.start();
        Duration shortest = config.rules().stream().map(Rule::clearAfter).filter(d -> !d.isZero()).min(Duration::compareTo).orElse(Duration.ZERO);
        if (!shortest.isZero()) {
            // A tenth of the shortest clearAfter, within [1s, 1m]: clears on time without busy work.
            long period = Math.clamp(shortest.toMillis() / 10, 1_000, 60_000);
            context.scheduler().scheduleAtFixedRate(() -> clearExpired(context.clock().instant()), period, period, TimeUnit.MILLISECONDS);
        }
    }

    private void read() {
        LogSource current = source;
        try {
            current.run(this::line);
            if (!stopping) {
                context.fail(new IOException(current.describe() + " ended; the daemon restarts to open it again"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                context.fail(e);
            }
        }
    }

    /** Runs on the reader thread only: the engine is not shared. */
    private void line(Instant timestamp, String message) {
        linesRead.accept(1);
        for (String skip : skipList) {
            if (message.contains(skip)) {
                return;
            }
        }
        engine.push(message, timestamp, onMatch);
    }

    private void matched(Match match) {
        linesMatched.accept(1);
        Rule rule = match.rule();
        if (rule.type() == RuleType.TEMPORARY) {
            context.emit(new Event(context.config().source(), Severity.WARNING, rule.reason(), match.message(), match.timestamp()));
            return;
        }
        synchronized (raised) {
            if (match.recovery()) {
                if (raised.recover(rule.condition(), match.ruleIndex())) {
                    setHealthy(rule.condition(), "recoverPattern of rules[" + match.ruleIndex() + "] matched");
                }
                return;
            }
            raised.raise(rule.condition(), match.ruleIndex(), rule.clearAfter(), context.clock().instant());
            // NPD's condition-change Event: when a condition turns True or its reason changes, the Node
            // also gets an Event with that reason, which is what event-based alerts key on.
            String before = trueReasons.put(rule.condition(), rule.reason());
            if (!rule.reason().equals(before)) {
                context.emit(new Event(context.config().source(), Severity.WARNING, rule.reason(), match.message(), match.timestamp()));
            }
            context.setCondition(rule.condition(), ConditionStatus.TRUE, rule.reason(), match.message());
        }
    }

    /** The scheduler's periodic work; tests call it with the time they set. */
    void clearExpired(Instant now) {
        synchronized (raised) {
            for (String type : raised.expire(now)) {
                setHealthy(type, "clearAfter passed without a new match");
            }
        }
    }

    private void setHealthy(String type, String why) {
        ConditionDeclaration healthy = context.config().healthy(type);
        if (trueReasons.remove(type) != null) {
            context.emit(new Event(context.config().source(), Severity.INFO, healthy.reason(), healthy.message(), context.clock().instant()));
        }
        context.setCondition(type, ConditionStatus.FALSE, healthy.reason(), healthy.message());
        context.logger().log(Level.INFO, "condition back to healthy instance={0} type={1} why=\"{2}\"", context.instanceName(), type, why);
    }

    @Override
    public void stop() throws InterruptedException {
        stopping = true;
        LogSource current = source;
        if (current != null) {
            current.close();
        }
        Thread thread = reader;
        if (thread != null) {
            thread.interrupt();
            thread.join(STOP_WAIT);
        }
    }
}
