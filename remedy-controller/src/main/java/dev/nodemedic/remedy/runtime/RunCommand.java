package dev.nodemedic.remedy.runtime;

import dev.nodemedic.remedy.engine.DurationText;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nodemedic-remedy run}: the controller, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the remedy controller: stands for leader election and, while leading, acts on nodes as the NodeRemedyPolicies say.")
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig of the cluster. Default: the in-cluster service account, else KUBECONFIG, else ~/.kube/config.")
    Path kubeconfig;

    @Option(names = "--paused", description = "Hold every policy: no action and no undo (as if every policy said paused: true).")
    boolean paused;

    @Option(names = "--dry-run", description = "Run every policy as if it said dryRun: true: work everything out, write nothing to nodes or pods.")
    boolean dryRun;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Nodes carrying a remedy at once, across all policies. Default: no limit beyond each policy's budgets.")
    Integer maxInFlight;

    @Option(names = "--lease-namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE:-kube-system}",
            description = "Namespace of the leader election Lease. Default: POD_NAMESPACE, else ${DEFAULT-VALUE}.")
    String leaseNamespace;

    @Option(names = "--lease-name", paramLabel = "NAME", defaultValue = "nodemedic-remedy", description = "Name of the Lease. Default: ${DEFAULT-VALUE}.")
    String leaseName;

    @Option(names = "--identity", paramLabel = "ID",
            description = "This replica's name in the Lease. Default: POD_NAME, else the host name and process id.")
    String identity;

    // client-go's defaults, kube-controller-manager's too: 15 s lease, 10 s renew deadline, 2 s retry.
    @Option(names = "--lease-duration", paramLabel = "DURATION", defaultValue = "15s", converter = DurationFlag.class,
            description = "How long followers wait after the leader's last renewal. Default: ${DEFAULT-VALUE}.")
    Duration leaseDuration;

    @Option(names = "--renew-deadline", paramLabel = "DURATION", defaultValue = "10s", converter = DurationFlag.class,
            description = "How long the leader tries to renew before it stops acting. Default: ${DEFAULT-VALUE}.")
    Duration renewDeadline;

    @Option(names = "--retry-period", paramLabel = "DURATION", defaultValue = "2s", converter = DurationFlag.class,
            description = "How often to try to acquire or renew the Lease. Default: ${DEFAULT-VALUE}.")
    Duration retryPeriod;

    @Option(names = "--address", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address of /healthz, /readyz and /metrics. Default: ${DEFAULT-VALUE}.")
    String address;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port of /healthz, /readyz and /metrics. Default: ${DEFAULT-VALUE}.")
    int port;

    private final Clock clock;

    /** Flags take durations as policies write them, and say so in the same words when one is not. */
    static final class DurationFlag implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return DurationText.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    RunCommand(Clock clock) {
        this.clock = clock;
    }

    RunOptions options() {
        String id = identity != null ? identity : Optional.ofNullable(System.getenv("POD_NAME")).filter(n -> !n.isBlank()).orElseGet(RunCommand::hostIdentity);
        try {
            return new RunOptions(Optional.ofNullable(kubeconfig), paused, dryRun,
                    maxInFlight == null ? OptionalInt.empty() : OptionalInt.of(maxInFlight),
                    new LeaseSettings(leaseNamespace, leaseName, id, leaseDuration, renewDeadline, retryPeriod, true), address, port);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** Outside a pod two runs on one machine must not share an identity, or both would think they hold the Lease. */
    private static String hostIdentity() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    @Override
    public Integer call() throws InterruptedException {
        RunOptions options = options();
        RemedyRuntime runtime;
        try {
            runtime = RemedyRuntime.start(options, clock);
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("nodemedic-remedy: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("remedy-shutdown").unstarted(() -> {
            runtime.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
