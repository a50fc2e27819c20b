package dev.nodemedic.core.plugins;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.reporter.ConditionBook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Works out which daemon instances a loaded plugin brings and settles each one's config and
 * conditions: the agent config's {@code daemons} entries for that daemon, or one instance named
 * after the daemon (none with {@code onlyListedDaemons}). The agent runs the plan; {@code check-config} only prints it.
 */
public final class InstancePlanner {
    private static final List<String> CONFIG_SUFFIXES = List.of(".yaml", ".yml", ".json");

    /** One instance's fate. */
    public sealed interface Planned {
        /** The instance planned, whatever became of it. */
        String instanceName();

        /** @param configVersion the content of the config file it was bound from, when it has one: a change of it is reloaded */
        record Ready(DaemonSpec spec, Optional<ConfigFileVersion> configVersion) implements Planned {
            @Override
            public String instanceName() {
                return spec.instanceName();
            }
        }

        record Disabled(String instanceName) implements Planned {
        }

        /** @param why names the instance, the file and field at fault, and what happens now */
        record Refused(String instanceName, String why) implements Planned {
        }
    }

    private final PluginHost host;
    private final ConfigBinder binder;
    /** Replaced when the agent config file is reloaded; read and replaced on the supervision thread only. */
    private AgentConfig config;

    public InstancePlanner(PluginHost host, ConfigBinder binder, AgentConfig config) {
        this.host = host;
        this.binder = binder;
        this.config = config;
    }

    /** Plans with a reloaded agent config from now on: its daemons list, onlyListedDaemons and configDir. */
    void use(AgentConfig next) {
        this.config = next;
    }

    /**
     * A loaded plugin's daemon objects, each made once: planning asks them their name, config type and
     * conditions, and each then serves the first start of its daemon's first instance. A daemon's
     * constructor may be costly or do something (open a file, start a thread): it runs once per start,
     * not once more to plan.
     *
     * @param unmade a refusal for each daemon class that could not be made
     */
    public record Made(LoadOutcome.Loaded plugin, List<Probe> probes, List<Planned.Refused> unmade) {
        public Made {
            probes = List.copyOf(probes);
            unmade = List.copyOf(unmade);
        }

        /** The names of the daemons made: what the plugin brings. */
        public List<String> names() {
            return probes.stream().map(Probe::name).toList();
        }
    }

    /** One daemon class and the object made of it. */
    public record Probe(Class<ProblemDaemon<Object>> type, ProblemDaemon<Object> daemon, String name) {
    }

    /** Makes one object of each of the plugin's daemon classes. Plan the result once: its objects are handed on. */
    public Made make(LoadOutcome.Loaded plugin) {
        List<Probe> probes = new ArrayList<>();
        List<Planned.Refused> unmade = new ArrayList<>();
        for (Class<?> daemonClass : plugin.daemons()) {
            @SuppressWarnings("unchecked")
            Class<ProblemDaemon<Object>> type = (Class<ProblemDaemon<Object>>) daemonClass;
            try {
                ProblemDaemon<Object> daemon = host.create(type);
                probes.add(new Probe(type, daemon, daemon.name()));
            } catch (RuntimeException | LinkageError e) {
                unmade.add(new Planned.Refused(daemonClass.getSimpleName(), "daemon " + daemonClass.getName() + " cannot be created (" + e
                        + "); it needs a public no-argument constructor"));
            }
        }
        return new Made(plugin, probes, unmade);
    }

    /** The agent config's {@code daemons} list, as planned with now. */
    List<DaemonInstanceConfig> listed() {
        return config.daemons();
    }

    /** Whether the agent config's {@code daemons} list names a daemon of this plugin. */
    boolean listsADaemonOf(Made made) {
        return made.probes().stream().anyMatch(probe -> lists(probe.name()));
    }

    /**
     * Whether the agent config would run none of the daemons a jar declares: it has {@code onlyListedDaemons}
     * and its {@code daemons} list names none of them, so the jar need not be loaded (an entry that is
     * disabled still names its daemon: the jar loads, and the entry is logged as disabled).
     */
    public boolean holdsBack(DeclaredDaemons declared) {
        return config.onlyListedDaemons() && declared.names().stream().noneMatch(this::lists);
    }

    /** Whether an entry of the agent config's {@code daemons} list, enabled or not, names this daemon. */
    private boolean lists(String daemon) {
        return config.daemons().stream().anyMatch(entry -> entry.daemon().equals(daemon));
    }

    /** Plans a plugin's instances with new objects of its daemons ({@code check-config}, a reload of the agent config). */
    public List<Planned> plan(LoadOutcome.Loaded plugin) {
        return plan(make(plugin));
    }

    public List<Planned> plan(Made made) {
        List<Planned> planned = new ArrayList<>(made.unmade());
        for (Probe probe : made.probes()) {
            List<DaemonInstanceConfig> instances = config.daemons().stream().filter(d -> d.daemon().equals(probe.name())).toList();
            if (instances.isEmpty() && !config.onlyListedDaemons()) {
                instances = List.of(new DaemonInstanceConfig(probe.name(), null, null, true));
            }
            Supplier<ProblemDaemon<Object>> fresh = () -> host.create(probe.type());
            boolean handedOn = false;
            for (DaemonInstanceConfig instance : instances) {
                if (!instance.enabled()) {
                    planned.add(new Planned.Disabled(instance.instanceName()));
                    continue;
                }
                Planned next = plan(made.plugin(), probe, instance, handedOn ? fresh : new FirstThenFresh(probe.daemon(), fresh));
                handedOn |= next instanceof Planned.Ready;
                planned.add(next);
            }
        }
        return planned;
    }

    private Planned plan(LoadOutcome.Loaded plugin, Probe probe, DaemonInstanceConfig instance, Supplier<ProblemDaemon<Object>> factory) {
        Optional<Path> file = instance.configFile().or(() -> conventionalConfig(instance.instanceName()));
        try {
            Settled settled = settle(probe.daemon(), file);
            return new Planned.Ready(new DaemonSpec(instance.instanceName(), probe.name(), plugin.pluginId(), plugin.version(), factory,
                    settled.config(), file, settled.conditions(), settled.reasons()), settled.version());
        } catch (ConfigException e) {
            return refused(instance, e.getMessage());
        }
    }

    /** The object planning asked, for the first start; a new one for every start after (a restart never reuses a failed object). */
    private static final class FirstThenFresh implements Supplier<ProblemDaemon<Object>> {
        private final AtomicReference<ProblemDaemon<Object>> first;
        private final Supplier<ProblemDaemon<Object>> fresh;

        FirstThenFresh(ProblemDaemon<Object> first, Supplier<ProblemDaemon<Object>> fresh) {
            this.first = new AtomicReference<>(first);
            this.fresh = fresh;
        }

        @Override
        public ProblemDaemon<Object> get() {
            ProblemDaemon<Object> planned = first.getAndSet(null);
            return planned != null ? planned : fresh.get();
        }
    }

    /**
     * Binds a running instance's config file again, as it reads now: the same daemon, plugin and file,
     * new content. A refusal says the instance keeps its previous config.
     */
    public Planned rebind(DaemonSpec running) {
        String keeps = "daemon instance " + running.instanceName() + " keeps running on its previous config: ";
        ProblemDaemon<Object> probe;
        try {
            probe = running.factory().get();
        } catch (RuntimeException | LinkageError e) {
            return new Planned.Refused(running.instanceName(), keeps + "its daemon cannot be created (" + e + ")");
        }
        try {
            Settled settled = settle(probe, running.configFile());
            return new Planned.Ready(new DaemonSpec(running.instanceName(), running.daemonName(), running.pluginId(), running.pluginVersion(),
                    running.factory(), settled.config(), running.configFile(), settled.conditions(), settled.reasons()), settled.version());
        } catch (ConfigException e) {
            return new Planned.Refused(running.instanceName(), keeps + e.getMessage() + "; fix the file and it is read again");
        }
    }

    /** What binding a config settles: the config itself, the conditions and reasons it leads to, the file's version. */
    private record Settled(Object config, List<ConditionDeclaration> conditions, List<ReasonDeclaration> reasons, Optional<ConfigFileVersion> version) {
    }

    /** @throws ConfigException with what is wrong: the file does not bind, or the daemon cannot declare what it leads to */
    private Settled settle(ProblemDaemon<Object> probe, Optional<Path> file) throws ConfigException {
        Object bound;
        Optional<ConfigFileVersion> version = Optional.empty();
        if (file.isPresent()) {
            ConfigFileVersion.Read read = ConfigFileVersion.read(file.get());
            bound = binder.bind(file.get().toString(), read.text(), probe.configType());
            version = Optional.of(read.version());
        } else {
            bound = binder.defaults(probe.configType());
        }
        List<ConditionDeclaration> conditions;
        List<ReasonDeclaration> reasons;
        try {
            conditions = List.copyOf(probe.conditions(bound));
            reasons = List.copyOf(probe.reasons(bound));
        } catch (RuntimeException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        if (conditions.size() > ConditionBook.MAX_TYPES_PER_DAEMON) {
            // The book refuses it too when the instance is added; here check-config says so.
            throw new ConfigException("it declares " + conditions.size() + " condition types, at most " + ConditionBook.MAX_TYPES_PER_DAEMON
                    + " are allowed per daemon; split its config into several instances or declare fewer types");
        }
        Optional<String> undeclared = undeclaredType(reasons, conditions);
        if (undeclared.isPresent()) {
            throw new ConfigException(undeclared.get());
        }
        return new Settled(bound, conditions, reasons, version);
    }

    /** A reason for a condition type the daemon does not own would make a gauge for someone else's condition: a bug of the plugin. */
    private static Optional<String> undeclaredType(List<ReasonDeclaration> reasons, List<ConditionDeclaration> conditions) {
        List<String> types = conditions.stream().map(ConditionDeclaration::type).toList();
        return reasons.stream().filter(r -> r.conditionType().isPresent() && !types.contains(r.conditionType().get())).findFirst()
                .map(r -> "its reasons() declare " + r.reason() + " for condition type " + r.conditionType().get()
                        + ", which its conditions() do not declare (declared: " + types + ")");
    }

    /** {@code <configDir>/<instance>.yaml} (or .yml, .json) when it exists: config without editing the agent config. */
    private Optional<Path> conventionalConfig(String instanceName) {
        return CONFIG_SUFFIXES.stream().map(suffix -> config.configDir().resolve(instanceName + suffix)).filter(Files::isRegularFile).findFirst();
    }

    private static Planned refused(DaemonInstanceConfig instance, String why) {
        return new Planned.Refused(instance.instanceName(), "daemon instance " + instance.instanceName() + " is not started: " + why + "; the other daemons run");
    }
}
