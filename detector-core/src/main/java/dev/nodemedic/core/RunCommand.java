package dev.nodemedic.core;

import dev.nodemedic.core.config.AgentConfig;
import dev.nodemedic.core.config.AgentConfigLoader;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "run", description = {"Runs the node agent until it is stopped (SIGTERM or Ctrl-C).",
        "With --local it needs no cluster: conditions and events go to the log and the status page."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    NodemedicCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--local", description = "Report to the log and the status page only; talk to no Kubernetes API.")
    boolean local;

    @Option(names = "--config", paramLabel = "FILE", description = "The agent config (YAML). Default: none, every setting at its default.")
    Path config;

    @Option(names = "--plugins-dir", paramLabel = "DIR", description = "The folder of daemon plugin jars, watched while running. Default: plugins/ of the installation.")
    Path pluginsDir;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: one JSON object per line.")
    LogFormat logFormat = LogFormat.text;

    @Option(names = "--debug", description = "Log at debug level.")
    boolean debug;

    @Option(names = "--stop-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop by itself after this long (90s, 5m): for a trial run, a smoke test, or the build's AOT training run.")
    Duration stopAfter;

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return ConfigBinder.parseDuration(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        logFormat.install(debug ? Level.FINE : Level.INFO);
        AgentConfig loaded;
        try {
            loaded = new AgentConfigLoader(new ConfigBinder()).load(Optional.ofNullable(config), parent.home);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("nodemedic: " + e.getMessage());
            return 2;
        }
        AgentConfig effective = pluginsDir == null ? loaded
                : new AgentConfig(loaded.nodeName(), pluginsDir.toAbsolutePath().normalize(), loaded.configDir(), loaded.status(), loaded.daemons(),
                        loaded.supervision());
        if (!local) {
            spec.commandLine().getErr().println("nodemedic: reporting to a cluster is not available in this build; run with --local");
            return 2;
        }
        String node = NodeName.resolve(effective.configuredNodeName(), System.getenv());
        Agent agent = Agent.start(effective, node, AgentVersion.ofThisBuild().version(), "local", Clock.systemUTC(), vertx -> List.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            try {
                agent.close();
            } catch (Exception e) {
                System.err.println("nodemedic: shutdown was not clean: " + e);
            } finally {
                stopped.countDown();
            }
        }));
        if (stopAfter == null) {
            stopped.await();
        } else if (!stopped.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS)) {
            agent.close();
        }
        return 0;
    }
}
