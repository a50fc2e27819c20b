package dev.nodemedic.daemon.api;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;
import java.util.function.BooleanSupplier;

/**
 * A {@link DaemonContext} for a daemon's own tests: records what the daemon reported. Threads and the
 * scheduler are real; time is whatever clock the test passes (a {@link ManualClock}, usually).
 */
public final class RecordingDaemonContext<C> implements DaemonContext<C>, AutoCloseable {
    private final String instanceName;
    private final C config;
    private final Path configFile;
    private final Clock clock;
    private final List<ConditionDeclaration> declared;
    private final Map<String, Condition> conditions = new ConcurrentHashMap<>();
    private final Map<String, List<Condition>> history = new ConcurrentHashMap<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    /** Every event reason and every reason a condition was True with, for {@link #undeclared}. */
    private final Set<ReasonDeclaration> reported = ConcurrentHashMap.newKeySet();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    /** The help each counter or gauge name was first given, as the agent keeps it. */
    private final Map<String, String> helps = new ConcurrentHashMap<>();
    private final Map<Class<?>, Object> hostServices = new ConcurrentHashMap<>();
    private volatile Journal journal = DaemonContext.super.journal();
    private final AtomicReference<List<MetricFamily>> published = new AtomicReference<>(List.of());
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger threadCount = new AtomicInteger();

    public RecordingDaemonContext(ProblemDaemon<C> daemon, C config, Clock clock) {
        this(daemon.name(), config, null, clock, daemon.conditions(config));
    }

    public RecordingDaemonContext(String instanceName, C config, Path configFile, Clock clock, List<ConditionDeclaration> declared) {
        this.instanceName = instanceName;
        this.config = config;
        this.configFile = configFile;
        this.clock = clock;
        this.declared = List.copyOf(declared);
        for (ConditionDeclaration d : declared) {
            Condition healthy = new Condition(d.type(), ConditionStatus.FALSE, d.reason(), d.message(), clock.instant());
            conditions.put(d.type(), healthy);
            history.put(d.type(), new CopyOnWriteArrayList<>(List.of(healthy)));
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads());
    }

    @Override
    public String instanceName() {
        return instanceName;
    }

    @Override
    public C config() {
        return config;
    }

    @Override
    public Optional<Path> configFile() {
        return Optional.ofNullable(configFile);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public ThreadFactory threads() {
        return runnable -> {
            Thread thread = new Thread(runnable, instanceName + "-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> failures.add(e));
            return thread;
        };
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("test." + instanceName);
    }

    @Override
    public void setCondition(String type, ConditionStatus status, String reason, String message) {
        if (declared.stream().noneMatch(d -> d.type().equals(type))) {
            throw new IllegalArgumentException("condition type " + type + " was not declared by " + instanceName);
        }
        if (status == ConditionStatus.TRUE) {
            reported.add(ReasonDeclaration.condition(type, reason));
        }
        conditions.compute(type, (t, old) -> {
            Condition next = old != null && old.status() == status
                    ? new Condition(type, status, reason, message, old.lastTransitionTime())
                    : new Condition(type, status, reason, message, clock.instant());
            if (old == null || !next.sameStateAs(old)) {
                history.get(type).add(next);
            }
            return next;
        });
    }

    /** Every state {@code type} has been in, oldest first, from its healthy default: a repeat of the same state is not a new one. */
    public List<Condition> history(String type) {
        condition(type);
        return List.copyOf(history.get(type));
    }

    @Override
    public LongConsumer counter(String name, Map<String, String> labels) {
        AtomicLong total = counters.computeIfAbsent(name + labels, key -> new AtomicLong());
        return total::addAndGet;
    }

    @Override
    public LongConsumer counter(String name, String help, Map<String, String> labels) {
        // Recorded, not checked: the agent refuses a blank or multi-line help (a test can assert help(name)).
        if (help != null) {
            helps.putIfAbsent(name, help);
        }
        return counter(name, labels);
    }

    /** What a counter of {@link #counter} has added up to; its key is the name followed by the labels map. */
    public long counted(String name, Map<String, String> labels) {
        AtomicLong total = counters.get(name + labels);
        return total == null ? 0 : total.get();
    }

    @Override
    public DoubleConsumer gauge(String name, Map<String, String> labels) {
        AtomicLong bits = gauges.computeIfAbsent(name + labels, key -> new AtomicLong(Double.doubleToLongBits(0)));
        return value -> bits.set(Double.doubleToLongBits(value));
    }

    @Override
    public DoubleConsumer gauge(String name, String help, Map<String, String> labels) {
        if (help != null) {
            helps.putIfAbsent(name, help);
        }
        return gauge(name, labels);
    }

    /** The help the counter or gauge {@code name} was first given (its {@code # HELP} line on the agent's {@code /metrics}); empty if none. */
    public Optional<String> help(String name) {
        return Optional.ofNullable(helps.get(name));
    }

    /** The value a gauge of {@link #gauge} was last given; its key is the name followed by the labels map. */
    public double gauged(String name, Map<String, String> labels) {
        AtomicLong bits = gauges.get(name + labels);
        if (bits == null) {
            throw new IllegalArgumentException("no gauge " + name + labels + "; asked for: " + gauges.keySet());
        }
        return Double.longBitsToDouble(bits.get());
    }

    @Override
    public void publishMetrics(List<MetricFamily> families) {
        published.set(List.copyOf(families));
    }

    /** What the daemon last gave {@link #publishMetrics}; empty before its first call. */
    public List<MetricFamily> published() {
        return published.get();
    }

    /** Offers {@code service} as the agent would through {@link #hostService}, such as the test's own Vert.x instance. */
    public <T> RecordingDaemonContext<C> withHostService(Class<T> type, T service) {
        hostServices.put(type, type.cast(service));
        return this;
    }

    @Override
    public <T> Optional<T> hostService(Class<T> type) {
        return Optional.ofNullable(hostServices.get(type)).map(type::cast);
    }

    /** Offers {@code journal} (a {@link FakeJournal}, usually) as the agent offers its journal reader through {@link #journal()}. */
    public RecordingDaemonContext<C> withJournal(Journal journal) {
        this.journal = journal;
        return this;
    }

    @Override
    public Journal journal() {
        return journal;
    }

    @Override
    public void emit(Event event) {
        events.add(event);
        reported.add(ReasonDeclaration.event(event.reason()));
    }

    /**
     * What the daemon reported so far that {@code declared} (its {@link ProblemDaemon#reasons}) does not
     * name: empty when the agent's metrics had every series before its first problem. An event whose
     * reason is declared as a condition's (the Event a daemon emits when the condition changes) or is a
     * condition's healthy reason counts as declared.
     */
    public Set<ReasonDeclaration> undeclared(List<ReasonDeclaration> declared) {
        Set<ReasonDeclaration> missing = new HashSet<>();
        for (ReasonDeclaration reason : reported) {
            boolean named = declared.contains(reason) || reason.conditionType().isEmpty()
                    && (declared.stream().anyMatch(d -> d.reason().equals(reason.reason()))
                            || this.declared.stream().anyMatch(c -> c.reason().equals(reason.reason())));
            if (!named) {
                missing.add(reason);
            }
        }
        return missing;
    }

    @Override
    public String defaultEventSource() {
        return instanceName;
    }

    @Override
    public void fail(Throwable cause) {
        failures.add(cause);
    }

    public Condition condition(String type) {
        Condition condition = conditions.get(type);
        if (condition == null) {
            throw new IllegalArgumentException("no condition " + type + "; declared: " + conditions.keySet());
        }
        return condition;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** Waits, up to {@code limit}, for something a daemon thread does; fails the test with {@code what} if it never happens. */
    public static void awaitTrue(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + limit + " waiting for: " + what);
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    public List<Condition> conditions() {
        return new ArrayList<>(conditions.values());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
