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
     * Says that the agent would hold the jar back, or, when the jar brings a daemon the agent config lists
     * though its declaration does not say so, that this declaration would leave the daemon out: one error.
     */
    private static int heldBack(LoadOutcome.Loaded loaded, DeclaredDaemons declared, InstancePlanner planner, AgentConfig config, Set<String> planned,
            PrintWriter out) {
        List<String> brings = planner.make(loaded).probes().stream().map(InstancePlanner.Probe::name).toList();
        List<DaemonInstanceConfig> left = config.daemons().stream().filter(entry -> brings.contains(entry.daemon())).toList();
        if (left.isEmpty()) {
            out.println("- " + loaded.jar() + " is held back by the agent, not loaded: " + declared.whyHeldBack());
            return 0;
        }
        // Reported here, not once more as a daemon no plugin brings.
        left.forEach(entry -> planned.add(entry.instanceName()));
        out.println("✗ " + loaded.jar() + ": its plugin.properties declares " + DeclaredDaemons.KEY + " " + declared.names() + " but the jar brings "
                + brings + ", which the agent config lists: the agent would hold the jar back and not run "
                + left.stream().map(DaemonInstanceConfig::instanceName).toList() + " — set " + DeclaredDaemons.KEY + " to what the jar brings");
        return 1;
    }

    private int checkDaemons(Path file, AgentConfig config, ConfigBinder binder, PrintWriter out) {
        Path dir = pluginsDir != null ? pluginsDir.toAbsolutePath() : config.pluginsDir();
        int errors = 0;
        int checked = 0;
        List<DaemonSpec> specs = new ArrayList<>();
        Set<String> planned = new HashSet<>();
        Map<Path, String> refusedJars = new HashMap<>();
        try (PluginHost host = new PluginHost(dir, JarTrust.forCommand(Set.copyOf(config.pluginDigests()))); DirectoryStream<Path> jars = Files.isDirectory(dir) ? Files.newDirectoryStream(dir, "*.jar") : null) {
            InstancePlanner planner = new InstancePlanner(host, binder, config);
            for (Path jar : jars == null ? List.<Path>of() : jars) {
                LoadOutcome outcome = host.load(jar);
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
                if (loaded.declared().isPresent() && planner.holdsBack(loaded.declared().get())) {
                    // Loaded here to be checked; the agent would not load it (PluginsReconciler), so it runs nothing.
                    errors += heldBack(loaded, loaded.declared().get(), planner, config, planned, out);
                    continue;
                }
                for (InstancePlanner.Planned instance : planner.plan(loaded)) {
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
                    // A refused jar may bring it: then the refusal is what to fix, not a missing plugin.
                    out.println("✗ " + file + ": " + MissingDaemons.why(instance, refusedJars, dir));
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
