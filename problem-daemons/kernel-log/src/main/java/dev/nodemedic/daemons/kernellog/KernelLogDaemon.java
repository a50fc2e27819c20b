package dev.nodemedic.daemons.kernellog;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import dev.nodemedic.daemons.kernellog.rules.Match;
import dev.nodemedic.daemons.kernellog.rules.Rule;
import dev.nodemedic.daemons.kernellog.rules.RuleEngine;
import dev.nodemedic.daemons.npdrules.RuleType;
import dev.nodemedic.daemons.kernellog.config.SourceKind;
import dev.nodemedic.daemons.kernellog.source.BootTime;
import dev.nodemedic.daemons.kernellog.source.LineSink;
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
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;
import org.pf4j.Extension;

/**
 * The kernel-log daemon: reads the kernel log (or any system log NPD's system-log-monitor reads) and
 * turns rule matches into Events (temporary rules) and node conditions (permanent rules). One object
 * per config file; NPD's {@code kernel-monitor.json}, {@code docker-monitor.json}, ... load unchanged.
 *
 * <p>Unlike NPD, it never reports health it has not seen: while no source can be read (the device
 * refused, no file, a journal without entries) its conditions are Unknown, saying what was tried,
 * and it keeps looking. {@code nodemedic_kernel_log_source_up{source}} says which source it reads.
 */
@Extension
public final class KernelLogDaemon implements ProblemDaemon<KernelLogConfig> {
    /** How long stop() waits for the source thread; the agent's own bound is a few seconds. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    /** The reason of this instance's conditions while it reads no log: not NPD's (NPD reports health then). */
    static final String NO_SOURCE = LineSink.SOURCE_UNAVAILABLE;
    /** The source kinds of {@link LogSource#kind()}: each has its {@code kernel_log_source_up} series from the start. */
    private static final List<String> KINDS = List.of("kmsg", "file", "journald");
    /** The # HELP line of {@code kernel_log_source_up}, asked for with every kind's gauge. */
    private static final String SOURCE_UP_HELP = "1 for the source kind the kernel-log instance reads, 0 for the others;"
            + " all 0 while it can read none, or while the one it reads cannot be read for now";
    /** From opening a source after none could be read to trusting its silence: ample for a backlog of a ring's or a file's size. */
    private static final Duration RECOVERY_GRACE = Duration.ofSeconds(1);

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
    private LongConsumer linesUnparsed = added -> {
    };
    /** Lines read and not yet added to linesRead: a metric's add costs as much as matching a line. */
    private long uncounted;
    /** Lines that did not parse and are not yet added to linesUnparsed; published with the lines read. */
    private long uncountedUnparsed;
    /**
     * While what the open source reads cannot tell the node's state (its file removed, the journal not readable
     * for now, none of its lines parsing): the reason and message of the Unknown conditions, from the source's
     * unusable() until the conditions are known again a grace after its usable(); null otherwise. Guarded by
     * {@code raised}.
     */
    private String unusableReason;
    private String unusableMessage;
    /** Counts the source's unusable() calls, so a late return to known conditions does not undo a newer one. Guarded by {@code raised}. */
    private long unusableSaid;
    /** The reader thread's sink; made at start, with the config's skipList. */
    private LineSink lines;

    /**
     * Runs on the reader thread only: the engine is not shared. Counts every line, skipped or not; counts are published
     * when the source has caught up, at the latest per 4,096 lines.
     */
    private final class Lines extends SkipListSink {
        Lines(List<String> skipList) {
            super(skipList);
        }

        @Override
        void kept(Instant timestamp, String message) {
            count();
            engine.push(message, timestamp, onMatch);
        }

        @Override
        void kept(Instant timestamp, byte[] utf8, int offset, int length) {
            count();
            engine.push(utf8, offset, length, timestamp, onMatch);
        }

        @Override
        void skipped() {
            count();
        }

        @Override
        public void caughtUp() {
            publishCount();
        }

        @Override
        public void unparsed() {
            uncountedUnparsed++;
        }

        @Override
        public void unusable(String reason, String why) {
            publishCount();
            KernelLogDaemon.this.unusable(reason, why);
        }

        @Override
        public void usable() {
            KernelLogDaemon.this.usable();
        }
    }

    private volatile DaemonContext<KernelLogConfig> context;
    private volatile LogSource source;
    private volatile Thread reader;
    private volatile boolean stopping;
    /** Guards the handover of a found source against stop(): a source opened after stop is closed at once. */
    private final Object lifecycle = new Object();
    private final Map<String, DoubleConsumer> sourceUp = new HashMap<>();
    private RuleEngine engine;
    private SourceSelection selection;
    private BootTime boot;
    private Instant startTime;
    /** What the last fruitless look found, to log only a change; set while the conditions are Unknown for want of a source. */
    private volatile List<String> lastTried = List.of();

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
    public void start(DaemonContext<KernelLogConfig> context) throws IOException, InterruptedException {
        this.context = context;
        KernelLogConfig config = context.config();
        engine = new RuleEngine(config.rules(), config.bufferSize());
        lines = new Lines(config.skipList());
        Instant now = context.clock().instant();
        boot = BootTime.fromUptime(host.procUptime(), context.clock());
        // Fixed at start: a source found later is read from here, so a line written while none could be
        // read still counts if the source keeps it (the kernel's ring, a file, the journal).
        startTime = boot.startTime(now, config.lookback(), config.delay());
        selection = new SourceSelection(host, context.clock(), context.logger(), context.journal());
        for (String kind : KINDS) {
            sourceUp.put(kind, context.gauge("kernel_log_source_up", SOURCE_UP_HELP, Map.of("source", kind)));
        }
        lookForSource();
        Duration shortest = config.rules().stream().map(Rule::clearAfter).filter(d -> !d.isZero()).min(Duration::compareTo).orElse(Duration.ZERO);
        if (!shortest.isZero()) {
            // A tenth of the shortest clearAfter, within [1s, 1m]: clears on time without busy work.
            long period = Math.clamp(shortest.toMillis() / 10, 1_000, 60_000);
            context.scheduler().scheduleAtFixedRate(() -> clearExpired(context.clock().instant()), period, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens a source, or says that none can be read and looks again later. Runs in start(), then on the
     * context's scheduler until a source opens; never twice at once.
     */
    private void lookForSource() throws InterruptedException {
        if (stopping) {
            return;
        }
        switch (selection.open(context.config(), boot, startTime)) {
            case SourceSelection.Outcome.Opened opened -> read(opened);
            case SourceSelection.Outcome.Unavailable unavailable -> {
                unavailable(unavailable.tried());
                context.scheduler().schedule(this::lookAgain, host.sourceRetry().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void lookAgain() {
        try {
            lookForSource();
        } catch (InterruptedException e) {
            // stop() cancels the scheduler's tasks: the instance is going away.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Silence is never health: with no log to read, every condition of this instance is Unknown, saying
     * what was tried and when it looks again. Nothing can have been raised yet (a match needs a source).
     * The message stays the same while the same sources fail the same way, so looking again writes nothing.
     */
    private void unavailable(List<String> tried) {
        KernelLogConfig config = context.config();
        String message = context.instanceName() + " reads no log: " + String.join("; ", tried) + ". It looks again every "
                + GoDuration.formatShort(host.sourceRetry()) + (config.plugin() == SourceKind.AUTO
                ? "; run the agent privileged to read /dev/kmsg (as NPD's DaemonSet does), mount the host's /var/log, or name a source"
                + " with \"plugin\" in the config"
                : "");
        for (ConditionDeclaration declared : config.declarations()) {
            context.setCondition(declared.type(), ConditionStatus.UNKNOWN, NO_SOURCE, message);
        }
        if (!tried.equals(lastTried)) {
            context.logger().log(Level.WARNING, "kernel-log has no log to read, its conditions are Unknown instance={0} tried=\"{1}\" retryEvery={2}",
                    context.instanceName(), String.join("; ", tried), GoDuration.formatShort(host.sourceRetry()));
        }
        lastTried = tried;
    }

    private void read(SourceSelection.Outcome.Opened opened) {
        LogSource found = opened.source();
        synchronized (lifecycle) {
            if (stopping) {
                found.close();
                return;
            }
            source = found;
            // Per source kind (kmsg, file, journald), never per path or line: a few series at most.
            Map<String, String> labels = Map.of("source", found.kind());
            linesRead = context.counter("kernel_log_lines_read",
                    "log lines the kernel-log instance read, per source kind; a file's line its pluginConfig does not fit counts as unparsed instead",
                    labels);
            linesMatched = context.counter("kernel_log_rule_matches",
                    "rule matches in the lines the kernel-log instance read, per source kind; a line two rules match counts twice", labels);
            if (found.kind().equals("file")) {
                // Only a file's lines are parsed by pluginConfig's expressions; kmsg and journal records need none.
                linesUnparsed = context.counter("kernel_log_lines_unparsed",
                        "lines of a followed file that the instance's pluginConfig does not fit (no stamp, a stamp not of timestampFormat,"
                                + " no message), skipped as NPD skips them", labels);
            }
            sourceUp.get(found.kind()).accept(1);
            context.logger().log(Level.INFO, "kernel-log reading instance={0} source=\"{1}\" why=\"{2}\" rules={3} since={4}",
                    context.instanceName(), found.describe(), opened.why(), context.config().rules().size(), startTime);
            Thread thread = context.threads().newThread(this::read);
            reader = thread;
            thread.start();
            if (!lastTried.isEmpty()) {
                lastTried = List.of();
                // Not at once: what the source kept from the time nothing could be read (the kernel's ring, the
                // file, the journal since the start time) is matched first, so a problem logged meanwhile goes
                // from Unknown to True, never through a healthy False.
                context.scheduler().schedule(this::known, RECOVERY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * A source is read again: conditions no rule has raised go from Unknown to their healthy default (a raised
     * one stayed True). Only those this object made Unknown: at a plain start the agent may hold a problem it
     * adopted from the node, which a healthy default must not overwrite.
     */
    private void known() {
        synchronized (raised) {
            if (unusableReason != null) {
                return; // the source said it is unusable meanwhile: the Unknown it set stands
            }
            for (ConditionDeclaration declared : context.config().declarations()) {
                if (!trueReasons.containsKey(declared.type())) {
                    context.setCondition(declared.type(), ConditionStatus.FALSE, declared.reason(), declared.message());
                }
            }
        }
        context.logger().log(Level.INFO, "kernel-log reads its log again, its conditions are known instance={0} source=\"{1}\"",
                context.instanceName(), source.describe());
    }

    private void read() {
        LogSource current = source;
        try {
            current.run(lines);
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

    /** Runs on the reader thread only. */
    private void count() {
        if (++uncounted == 4096) {
            publishCount();
        }
    }

    private void publishCount() {
        if (uncounted > 0) {
            linesRead.accept(uncounted);
            uncounted = 0;
        }
        if (uncountedUnparsed > 0) {
            linesUnparsed.accept(uncountedUnparsed);
            uncountedUnparsed = 0;
        }
    }

    /**
     * Silence is never health, nor is a log of which nothing parses: every condition no rule has raised goes
     * Unknown with the source's words (the source, and what to fix or when it is tried again). A raised one
     * stays True: the problem was seen, and lines not read yet may hold its renewal; its clearAfter waits until
     * the source is usable again (silence is no clearance), its recoverPattern still decides. The source goes
     * on by itself, so nothing is read twice. Said again with the same words, it writes nothing new. Runs on
     * the thread that reads the source.
     */
    private void unusable(String reason, String why) {
        LogSource current = source;
        // A log that cannot be read is not read; one read whose lines do not parse still is. Said before the
        // conditions: whoever sees them Unknown finds the source down already.
        sourceUp.get(current.kind()).accept(reason.equals(LineSink.SOURCE_UNAVAILABLE) ? 0 : 1);
        synchronized (raised) {
            unusableReason = reason;
            unusableMessage = context.instanceName() + ": " + why;
            unusableSaid++;
            for (ConditionDeclaration declared : context.config().declarations()) {
                if (!trueReasons.containsKey(declared.type())) {
                    context.setCondition(declared.type(), ConditionStatus.UNKNOWN, reason, unusableMessage);
                }
            }
        }
    }

    /**
     * The source's lines tell the node's state again. As after a source found late, the conditions are known
     * again only after a grace: what was logged meanwhile is matched first, so a problem goes from Unknown
     * to True, never through a healthy False.
     */
    private void usable() {
        long said;
        synchronized (raised) {
            if (unusableReason == null) {
                return;
            }
            said = unusableSaid;
        }
        sourceUp.get(source.kind()).accept(1);
        context.scheduler().schedule(() -> knownAfter(said), RECOVERY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Conditions known again, unless the source said it is unusable again since its {@code said}-th unusable(). */
    private void knownAfter(long said) {
        synchronized (raised) {
            if (unusableSaid != said || unusableReason == null) {
                return;
            }
            unusableReason = null;
            unusableMessage = null;
            known();
        }
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
            if (unusableReason != null) {
                // Not while the source is unusable: lines not read or not parsed yet may hold a match; silence is no clearance.
                return;
            }
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
        if (unusableReason != null) {
            // Over by its recoverPattern, but what the source reads cannot say the node is healthy yet.
            context.setCondition(type, ConditionStatus.UNKNOWN, unusableReason, unusableMessage);
        } else {
            context.setCondition(type, ConditionStatus.FALSE, healthy.reason(), healthy.message());
        }
        context.logger().log(Level.INFO, "condition back to healthy instance={0} type={1} why=\"{2}\"", context.instanceName(), type, why);
    }

    @Override
    public void stop() throws InterruptedException {
        LogSource current;
        synchronized (lifecycle) {
            stopping = true;
            current = source;
        }
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
