package dev.nodemedic.core;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.AgentConfigLoader;
import dev.nodemedic.core.config.DaemonInstanceConfig;
import dev.nodemedic.core.plugins.InstancePlanner;
import dev.nodemedic.core.plugins.JarTrust;
import dev.nodemedic.core.plugins.DeclaredDaemons;
import dev.nodemedic.core.plugins.LoadOutcome;
import dev.nodemedic.core.plugins.MissingDaemons;
import dev.nodemedic.core.plugins.ConditionClaims;
import dev.nodemedic.core.plugins.PluginHost;
import dev.nodemedic.core.supervision.DaemonSpec;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "check-config", description = {"Checks config files without running anything: exit 0 when all are valid, 1 with the errors.",
        "Each FILE is an agent config, checked with the daemon config files it leads to; with --daemon, each FILE is a config of that daemon",
        "(such as an NPD kernel-monitor.json for --daemon kernel-log)."})
final class CheckConfigCommand implements Callable<Integer> {
    @ParentCommand
    NodemedicRoot parent;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Option(names = "--daemon", paramLabel = "NAME", description = "Check the files as configs of this daemon.")
    String daemon;

    @Option(names = "--plugins-dir", paramLabel = "DIR", description = "Where the daemons' plugins are. Default: the agent config's, else plugins/ of the installation.")
    Path pluginsDir;

    @Override
    public Integer call() {
        LogFormat.text.install(Level.SEVERE);
        PrintWriter out = spec.commandLine().getOut();
        ConfigBinder binder = new ConfigBinder();
        int errors = 0;
        for (Path file : files) {
            try {
                AgentConfig config = daemon == null
                        ? new AgentConfigLoader(binder).load(Optional.of(file), parent.home)
                        : daemonOnly(file, binder);
                errors += checkDaemons(file, config, binder, out);
            } catch (ConfigException e) {
                out.println("✗ " + e.getMessage());
                errors++;
            }
        }
        out.flush();
        return errors == 0 ? 0 : 1;
    }

    /** An agent config of one instance of {@code --daemon}, reading {@code file}. */
    private AgentConfig daemonOnly(Path file, ConfigBinder binder) throws ConfigException {
        AgentConfig defaults = new AgentConfigLoader(binder).load(Optional.empty(), parent.home);
        return new AgentConfig(null, defaults.pluginsDir(), defaults.configDir(), null, null, null,
                List.of(new DaemonInstanceConfig(daemon, null, file.toAbsolutePath(), true)), null, null);
    }

    /**
     * Says that the agent would hold the jar back. It is loaded in full here, for this check only: when it
     * brings a daemon the agent config lists and enables though its declaration does not say so, that
     * declaration would leave the daemon out: one error.
     */
    private static int heldBack(PluginHost host, Path jar, DeclaredDaemons declared, InstancePlanner planner, AgentConfig config, Set<String> planned,
            PrintWriter out) {
        String held = "- " + jar + " is held back by the agent, not loaded: " + declared.whyHeldBack();
        LoadOutcome full = host.load(jar);
        if (full instanceof LoadOutcome.Refused refused) {
            // The agent reads no more of it than its plugin.properties: PF4J's refusal is no error of this config, only what listing it would meet.
            out.println(held + "; if listed it would be refused: " + refused.why());
            return 0;
        }
        // load(jar) holds nothing back.
        LoadOutcome.Loaded loaded = (LoadOutcome.Loaded) full;
        try {
            List<String> brings = planner.make(loaded).names();
            // A disabled entry runs nothing whatever the declaration says, as the agent takes it (MissingDaemons).
            List<DaemonInstanceConfig> left = config.daemons().stream().filter(DaemonInstanceConfig::enabled).filter(entry -> brings.contains(entry.daemon()))
                    .toList();
            if (left.isEmpty()) {
                out.println(held);
                return 0;
            }
            // Reported here, not once more as a daemon no plugin brings.
            left.forEach(entry -> planned.add(entry.instanceName()));
            out.println("✗ " + jar + ": its plugin.properties declares " + DeclaredDaemons.KEY + " " + declared.names() + " but the jar brings "
                    + brings + ", which the agent config lists: the agent would hold the jar back and not run "
                    + left.stream().map(DaemonInstanceConfig::instanceName).toList() + " — set " + DeclaredDaemons.KEY + " to what the jar brings");
            return 1;
        } finally {
            // The agent does not load it: left loaded here, its plugin id would refuse a later jar of the same id that the agent loads.
            host.unload(loaded.pluginId());
        }
    }

    /** A jar's declaration that differs from what it brings but holds nothing back: the agent warns, and so does this. */
    private static void warnIfDeclarationDiffers(LoadOutcome.Loaded loaded, List<String> brings, PrintWriter out) {
        loaded.declared().filter(declared -> declared.differsFrom(brings)).ifPresent(declared -> out.println("! " + loaded.jar()
                + ": its plugin.properties declares " + DeclaredDaemons.KEY + " " + declared.names() + " but the jar brings " + brings
                + "; the agent warns and goes on with what it brings — set " + DeclaredDaemons.KEY + " to what the jar brings"));
    }

    /** The folder's jars in file-name order, as the agent loads them (PluginsFolder): of two jars with one plugin id, the second is refused. */
    private static List<Path> jarsOf(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> sorted = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            jars.forEach(sorted::add);
        }
        sorted.sort(null);
        return sorted;
    }

    private int checkDaemons(Path file, AgentConfig config, ConfigBinder binder, PrintWriter out) {
        Path dir = pluginsDir != null ? pluginsDir.toAbsolutePath() : config.pluginsDir();
        int errors = 0;
        int checked = 0;
        List<DaemonSpec> specs = new ArrayList<>();
        Set<String> planned = new HashSet<>();
        Map<Path, String> refusedJars = new HashMap<>();
        Map<Path, DeclaredDaemons> heldBackJars = new HashMap<>();
        try (PluginHost host = new PluginHost(dir, JarTrust.forCommand(Set.copyOf(config.pluginDigests())))) {
            InstancePlanner planner = new InstancePlanner(host, binder, config);
            for (Path jar : jarsOf(dir)) {
                // As the agent loads it (PluginsReconciler): a jar it would hold back is not refused for what PF4J finds in it.
                LoadOutcome outcome = host.load(jar, planner::holdsBack);
                if (outcome instanceof LoadOutcome.HeldBack held) {
                    heldBackJars.put(jar, held.declared());
                    errors += heldBack(host, jar, held.declared(), planner, config, planned, out);
                    continue;
                }
                if (outcome instanceof LoadOutcome.Refused refused) {
                    // The agent would refuse it too: what it would have run is not checked, and must not pass silently.
                    errors++;
                    out.println("✗ " + refused.why());
                    refusedJars.put(jar, refused.why());
                    continue;
                }
                if (!(outcome instanceof LoadOutcome.Loaded loaded)) {
                    continue;
                }
                InstancePlanner.Made made = planner.make(loaded);
                warnIfDeclarationDiffers(loaded, made.names(), out);
                for (InstancePlanner.Planned instance : planner.plan(made)) {
                    planned.add(instance.instanceName());
                    if (daemon != null && !(instance instanceof InstancePlanner.Planned.Ready || instance instanceof InstancePlanner.Planned.Refused)) {
                        continue;
                    }
                    switch (instance) {
                        case InstancePlanner.Planned.Ready ready -> {
                            if (daemon == null || ready.spec().daemonName().equals(daemon)) {
                                checked++;
                                specs.add(ready.spec());
                                out.println("✓ " + ready.spec().configFile().map(Path::toString).orElse("(defaults)") + ": daemon instance "
                                        + ready.spec().instanceName() + " owns " + ready.spec().conditions().stream().map(c -> c.type()).toList());
                            }
                        }
                        case InstancePlanner.Planned.Refused refused -> {
                            checked++;
                            errors++;
                            out.println("✗ " + refused.why());
                        }
                        case InstancePlanner.Planned.Disabled disabled -> out.println("- daemon instance " + disabled.instanceName() + " is disabled");
                    }
                }
            }
        } catch (IOException e) {
            out.println("✗ cannot list the plugins folder " + dir + ": " + e.getMessage());
            return errors + 1;
        }
        if (daemon == null) {
            // An instance whose daemon no plugin brings never runs: with onlyListedDaemons (NPD's flags) that
            // can be every instance, and a node with no conditions at all reads as healthy.
            for (DaemonInstanceConfig instance : config.daemons()) {
                // A disabled entry runs nothing whatever the folder holds, as run treats it (MissingDaemons).
                if (instance.enabled() && !planned.contains(instance.instanceName())) {
                    errors++;
                    // A refused jar may bring it, or a held-back one declare it wrongly: then that is what to fix, not a missing plugin.
                    out.println("✗ " + file + ": " + MissingDaemons.why(instance, refusedJars, heldBackJars, dir));
                }
            }
        }
        for (ConditionClaims.Conflict conflict : ConditionClaims.of(specs).conflicts()) {
            errors++;
            out.println("✗ " + conflict);
        }
        if (daemon != null && checked == 0) {
            out.println("✗ " + file + ": no plugin in " + dir + " brings a daemon named " + daemon);
            return errors + 1;
        }
        if (daemon == null) {
            out.println("✓ " + file + ": valid agent config");
        }
        return errors;
    }
}
