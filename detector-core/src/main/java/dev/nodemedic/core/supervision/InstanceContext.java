package dev.nodemedic.core.supervision;

import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.MetricFamily;
import dev.nodemedic.reporter.Reporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.LongConsumer;

/**
 * The context of one start of one daemon instance. Once closed it goes deaf: a thread the daemon left
 * behind can no longer change the book, so a late write never overwrites the Unknown its failure set.
 */
final class InstanceContext implements DaemonContext<Object>, AutoCloseable {
    private final DaemonSpec spec;
    private final Reporter reporter;
    private final Clock clock;
    private final Consumer<Throwable> onFailure;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final System.Logger logger;
    private final MeterRegistry registry;
    private final HostServices hostServices;
    /** The node's journal as this start sees it: closed with it. */
    private final InstanceJournal journal;
    /** This start's gauges and what they read (a double's bits): removed on close, so a dead daemon's value is never scraped. */
    private final Map<Gauge, AtomicLong> gauges = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Whether this start has families on /metrics, to withdraw on close; also the lock between publishing and closing. */
    private final AtomicBoolean published = new AtomicBoolean();

    InstanceContext(DaemonSpec spec, Reporter reporter, Clock clock, MeterRegistry registry, HostServices hostServices,
            Consumer<Throwable> onFailure) {
        this.spec = spec;
        this.hostServices = hostServices;
        this.registry = registry;
        this.reporter = reporter;
        this.clock = clock;
        this.onFailure = onFailure;
        this.logger = System.getLogger("daemon." + spec.instanceName());
        this.scheduler = new FailureReportingScheduler(Thread.ofVirtual().name(spec.instanceName() + "-scheduler").factory());
        scheduler.setRemoveOnCancelPolicy(true);
        this.journal = new InstanceJournal(hostServices.journal(), this::fail, () -> counter("journal_entries_missed",
                "journal entries dropped for the daemon instance because it fell behind the agent's journal reader", Map.of()));
    }

    @Override
    public String instanceName() {
        return spec.instanceName();
    }

    @Override
    public Object config() {
        return spec.config();
    }

    @Override
    public Optional<Path> configFile() {
        return spec.configFile();
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
            Thread thread = Thread.ofPlatform().daemon(true).name(spec.instanceName() + "-" + threadCount.incrementAndGet()).unstarted(() -> {
                try {
                    runnable.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            });
            thread.setUncaughtExceptionHandler((t, e) -> fail(e));
            threads.add(thread);
            return thread;
        };
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    @Override
    public void setCondition(String type, ConditionStatus status, String reason, String message) {
        if (closed) {
            return;
        }
        if (spec.conditions().stream().noneMatch(d -> d.type().equals(type))) {
            throw new IllegalArgumentException("daemon " + spec.instanceName() + " set condition " + type + " but did not declare it; declared: "
                    + spec.conditions().stream().map(d -> d.type()).toList());
        }
        reporter.book().set(spec.instanceName(), type, status, reason, message, clock.instant());
    }

    @Override
    public LongConsumer counter(String name, Map<String, String> labels) {
        // A plugin built against daemon-api 1.5.0 or older gives no help: its series has an empty # HELP line.
        requireMetricName("counter name", name);
        return registerCounter(name, null, labels);
    }

    @Override
    public LongConsumer counter(String name, String help, Map<String, String> labels) {
        requireMetricName("counter name", name);
        requireMetricHelp("counter", name, help);
        return registerCounter(name, help, labels);
    }

    private LongConsumer registerCounter(String name, String help, Map<String, String> labels) {
        String meterName = "nodemedic_" + name;
        Counter.Builder counter = Counter.builder(meterName).tag("daemon", spec.instanceName());
        labels.forEach((label, value) -> {
            requireMetricName("label", label);
            counter.tag(label, value);
        });
        Counter registered;
        synchronized (registry) {
            // Registering twice returns the same counter, so a restarted daemon keeps counting where it was.
            registered = counter.description(exportedHelp(meterName, help)).register(registry);
        }
        return registered::increment;
    }

    @Override
    public DoubleConsumer gauge(String name, Map<String, String> labels) {
        requireMetricName("gauge name", name);
        return registerGauge(name, null, labels);
    }

    @Override
    public DoubleConsumer gauge(String name, String help, Map<String, String> labels) {
        requireMetricName("gauge name", name);
        requireMetricHelp("gauge", name, help);
        return registerGauge(name, help, labels);
    }

    private DoubleConsumer registerGauge(String name, String help, Map<String, String> labels) {
        String meterName = "nodemedic_" + name;
        AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));
        Gauge.Builder<AtomicLong> gauge = Gauge.builder(meterName, bits, b -> Double.longBitsToDouble(b.get())).strongReference(true)
                .tag("daemon", spec.instanceName());
        labels.forEach((label, value) -> {
            requireMetricName("label", label);
            gauge.tag(label, value);
        });
        Gauge registered;
        synchronized (registry) {
            // Registering the same name and labels again returns the gauge already there, reading the first holder.
            registered = gauge.description(exportedHelp(meterName, help)).register(registry);
        }
        AtomicLong holder = gauges.computeIfAbsent(registered, g -> bits);
        if (closed) {
            registry.remove(registered);
        }
        return value -> holder.set(Double.doubleToLongBits(value));
    }

    /**
     * The help to register {@code meterName} with: the one it is exported with already, if any, else {@code given}.
     * Prometheus has one # HELP line per name, and when the meters of a name disagree Micrometer writes the
     * help of whichever meter it meets first in a hash map: another instance's, or an old plugin's empty one.
     * So the first help given stays. Callers hold the registry's lock from this call until they registered.
     */
    private String exportedHelp(String meterName, String given) {
        Optional<String> exported = registry.find(meterName).meters().stream().map(meter -> meter.getId().getDescription())
                .filter(help -> help != null && !help.isBlank()).findFirst();
        if (exported.isPresent() && given != null && !exported.get().equals(given)) {
            logger.log(System.Logger.Level.WARNING, "metric help differs from the one exported, the first stays daemon={0} metric={1} exported=\"{2}\" given=\"{3}\"",
                    spec.instanceName(), meterName, exported.get(), given);
        }
        return exported.orElse(given);
    }

    @Override
    public void publishMetrics(List<MetricFamily> families) {
        // Under the lock close() takes too: a late publication from a dying start never outlives its withdrawal.
        synchronized (published) {
            if (closed) {
                return;
            }
            reporter.publishMetrics(spec.instanceName(), families);
            published.set(!families.isEmpty());
        }
    }

    @Override
    public <T> Optional<T> hostService(Class<T> type) {
        return hostServices.find(type);
    }

    @Override
    public Journal journal() {
        return journal;
    }

    /** The # HELP line holds one line of text: a line break would end it, and a blank one tells a reader nothing. */
    private static void requireMetricHelp(String kind, String name, String help) {
        if (help == null || help.isBlank()) {
            throw new IllegalArgumentException(kind + " " + name + " needs a help: one line saying what the series counts or means,"
                    + " such as \"log lines read, per source kind\"; it was " + (help == null ? "null" : "blank"));
        }
        if (help.chars().anyMatch(c -> c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029')) {
            throw new IllegalArgumentException(kind + " " + name + " has a help of more than one line; write it on one line, as Prometheus's # HELP line holds one");
        }
    }

    /** Prometheus names: a typo here would be a new series forever, so refuse at start, where the daemon sees it. */
    private static void requireMetricName(String what, String name) {
        if (name == null || !name.matches("[a-z][a-z0-9_]*") || name.equals("daemon")) {
            throw new IllegalArgumentException(what + " \"" + name + "\" must be lower_snake_case (such as lines_read), and not \"daemon\", which the agent sets");
        }
    }

    @Override
    public void emit(Event event) {
        if (!closed) {
            reporter.emit(spec.instanceName(), event);
        }
    }

    @Override
    public String defaultEventSource() {
        return spec.daemonName();
    }

    @Override
    public void fail(Throwable cause) {
        if (!closed) {
            onFailure.accept(cause);
        }
    }

    /** Deafens the context, cancels its tasks and interrupts its threads. Called after the daemon's stop(). */
    @Override
    public void close() {
        synchronized (published) {
            closed = true;
            if (published.getAndSet(false)) {
                reporter.publishMetrics(spec.instanceName(), List.of());
            }
        }
        gauges.keySet().forEach(registry::remove);
        journal.close();
        scheduler.shutdownNow();
        threads.forEach(Thread::interrupt);
    }

    /** A scheduler that treats a task's exception as the daemon's failure instead of hiding it in a Future. */
    private final class FailureReportingScheduler extends ScheduledThreadPoolExecutor {
        FailureReportingScheduler(ThreadFactory factory) {
            super(1, factory);
        }

        @Override
        protected void afterExecute(Runnable task, Throwable thrown) {
            super.afterExecute(task, thrown);
            if (thrown == null && task instanceof Future<?> future && future.isDone()) {
                try {
                    future.get();
                } catch (CancellationException cancelled) {
                    return;
                } catch (ExecutionException e) {
                    thrown = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (thrown != null) {
                fail(thrown);
            }
        }
    }
}
