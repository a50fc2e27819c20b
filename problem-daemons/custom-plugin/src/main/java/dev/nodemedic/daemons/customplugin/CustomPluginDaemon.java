package dev.nodemedic.daemons.customplugin;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Healthy;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Problem;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Unknown;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.pf4j.Extension;

/**
 * NPD's custom plugin monitor: runs check scripts every {@code invoke_interval}, at most
 * {@code concurrency} at once, and turns their answers into Events (temporary rules) and node
 * conditions (permanent rules). One object per config file; NPD's configs and scripts work unchanged.
 */
@Extension
public final class CustomPluginDaemon implements ProblemDaemon<CustomPluginConfig> {
    /** A rule's result of one round, in the order the scripts finished. */
    record RuleResult(int index, Rule rule, CheckOutcome outcome) {
    }

    private volatile DaemonContext<CustomPluginConfig> context;
    private ThreadPoolExecutor pool;
    private ScriptRunner runner;
    private ConditionTracker tracker;
    private ScheduledFuture<?> rounds;
    /** Per rule, the reason of the Unknown it is in, to log and report entering and leaving it once. */
    private final Map<Integer, String> unknownRules = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "custom-plugin";
    }

    @Override
    public Class<CustomPluginConfig> configType() {
        return CustomPluginConfig.class;
    }

    @Override
    public List<ConditionDeclaration> conditions(CustomPluginConfig config) {
        return config.declarations();
    }

    @Override
    public List<ReasonDeclaration> reasons(CustomPluginConfig config) {
        return config.reasons();
    }

    @Override
    public void start(DaemonContext<CustomPluginConfig> context) {
        open(context);
        CustomPluginConfig config = context.config();
        if (!config.rules().isEmpty()) {
            long every = config.pluginConfig().invoke_interval().toMillis();
            // At a fixed rate from now, as NPD's ticker: a round that overruns delays the next, never overlaps it.
            rounds = context.scheduler().scheduleAtFixedRate(this::scheduledRound, 0, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Everything {@link #start} does but scheduling rounds; tests drive {@link #checkAll} themselves. */
    void open(DaemonContext<CustomPluginConfig> context) {
        this.context = context;
        CustomPluginConfig config = context.config();
        int concurrency = config.pluginConfig().concurrency();
        // The pool is the concurrency limit; its threads go away between rounds.
        pool = new ThreadPoolExecutor(concurrency, concurrency, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), context.threads());
        pool.allowCoreThreadTimeOut(true);
        ScriptEnvironment environment = ScriptEnvironment.ofThisAgent(config.environment());
        runner = new ScriptRunner(context.threads(), OrphanReaper.load(context.logger()), context.logger(), environment);
        tracker = new ConditionTracker(config);
        context.logger().log(Level.INFO, "custom-plugin checking instance={0} rules={1} every={2} concurrency={3} environment={4}",
                context.instanceName(), config.rules().size(), config.pluginConfig().invoke_interval(), concurrency, String.join(",", environment.names()));
    }

    private void scheduledRound() {
        try {
            checkAll(context.clock().instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One round: runs every rule's script, at most {@code concurrency} at once, and reports each result
     * as its script finishes. The scheduler calls it; tests call it directly.
     *
     * @param now when the round started: the time of the Events it emits
     * @return each rule's result, in the order the scripts finished
     */
    List<RuleResult> checkAll(Instant now) throws InterruptedException {
        CustomPluginConfig config = context.config();
        ExecutorCompletionService<RuleResult> completion = new ExecutorCompletionService<>(pool);
        for (int i = 0; i < config.rules().size(); i++) {
            int index = i;
            Rule rule = config.rules().get(i);
            completion.submit(() -> new RuleResult(index, rule, runner.run(rule, config.timeoutOf(rule), config.pluginConfig().max_output_length())));
        }
        List<RuleResult> results = new ArrayList<>(config.rules().size());
        for (int i = 0; i < config.rules().size(); i++) {
            RuleResult result;
            try {
                result = completion.take().get();
            } catch (ExecutionException e) {
                // A bug of ours, not a script's: let the agent restart this instance and say why.
                throw new IllegalStateException("running a check script failed unexpectedly: " + e.getCause(), e.getCause());
            }
            report(result, now);
            results.add(result);
        }
        return List.copyOf(results);
    }

    /** Turns one result into an Event or a condition, as NPD does. */
    void report(RuleResult result, Instant now) {
        Rule rule = result.rule();
        CheckOutcome outcome = result.outcome();
        noteUnknown(result, now);
        if (rule.type() == RuleType.TEMPORARY) {
            if (outcome instanceof Problem problem) {
                context.emit(new Event(context.config().source(), Severity.WARNING, rule.reason(), problem.output(), now));
            }
            return;
        }
        Optional<ConditionTracker.State> next = tracker.next(rule, outcome);
        next.ifPresent(state -> context.setCondition(rule.condition(), state.status(), state.reason(), state.message()));
    }

    /**
     * Logs a rule entering or leaving Unknown once, not every round. A temporary rule has no condition to
     * show it, so entering Unknown is also an Event (NPD emits its problem Event every round instead).
     */
    private void noteUnknown(RuleResult result, Instant now) {
        Rule rule = result.rule();
        String script = rule.path();
        switch (result.outcome()) {
            case Unknown unknown -> {
                String before = unknownRules.put(result.index(), unknown.reason());
                if (!unknown.reason().equals(before)) {
                    context.logger().log(Level.WARNING, "check gives no answer instance={0} rule={1} script={2} reason={3}",
                            context.instanceName(), result.index(), script, unknown.reason());
                    if (rule.type() == RuleType.TEMPORARY) {
                        context.emit(new Event(context.config().source(), Severity.WARNING, unknown.reason(),
                                "check for " + rule.reason() + ": " + unknown.why(), now));
                    }
                }
            }
            case Healthy _ -> answered(result.index(), script);
            case Problem _ -> answered(result.index(), script);
        }
    }

    private void answered(int index, String script) {
        if (unknownRules.remove(index) != null) {
            context.logger().log(Level.INFO, "check answers again instance={0} rule={1} script={2}", context.instanceName(), index, script);
        }
    }

    @Override
    public void stop() throws InterruptedException {
        // Bounded well within the agent's limit on stop(): killing a tree and its readers takes milliseconds.
        Duration wait = Duration.ofSeconds(3);
        if (rounds != null) {
            rounds.cancel(true);
        }
        if (pool != null) {
            // Interrupts running checks, which kill their scripts' trees on the way out.
            pool.shutdownNow();
            pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
