package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemon.api.Journal;
import dev.nodemedic.daemon.api.DaemonCommand;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemons.kubelethealth.HealthCheckerOptions.Component;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * {@code nodemedic health-checker}: NPD's {@code /home/kubernetes/bin/health-checker}, with its flags and
 * exit codes, for NPD's {@code health-checker-*.json} custom plugin configs. Checks one component (the
 * kubelet's or kube-proxy's healthz, {@code docker ps}, {@code crictl pods}), counts {@code --log-pattern}s
 * in its unit's journal, and when it is unhealthy and repair is on, kills the unit's main process
 * ({@code systemctl kill --kill-who=main}) once the unit has been up for {@code --cooldown-time}, so
 * systemd restarts it. Exit 0 healthy, 1 unhealthy, 2 when it could not tell.
 *
 * <p>One difference from NPD's: a {@code docker} or {@code crictl} that is not there is "could not tell"
 * (exit 2), not "unhealthy". NPD's treats it as a failed check and, with repair on, kills a runtime it
 * never asked; in a container image without those tools that would kill containerd every cooldown.
 */
@Extension
public final class HealthCheckerCommand implements DaemonCommand {
    static final int OK = 0;
    static final int NON_OK = 1;
    static final int UNKNOWN = 2;
    /** NPD's CmdTimeout: systemctl, pkill and the journal read get this long. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    /** What a check found. */
    private sealed interface Verdict {
        record Healthy() implements Verdict {
        }

        record Unhealthy(String why) implements Verdict {
        }

        record CannotTell(String why) implements Verdict {
        }
    }

    private final Map<String, String> environment;

    public HealthCheckerCommand() {
        this(System.getenv());
    }

    /** @param environment NPD's HOST_ADDRESS, KUBELET_PORT, KUBEPROXY_PORT, and the PATH systemctl, docker and pkill are found on */
    HealthCheckerCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return "health-checker";
    }

    @Override
    public String description() {
        return "NPD's health-checker: check kubelet, kube-proxy, docker or cri and repair it (for NPD's health-checker-*.json)";
    }

    @Override
    public int run(CommandContext context, List<String> args) throws InterruptedException {
        try {
            return checkAndRepair(context, args);
        } catch (RuntimeException e) {
            // The agent would make any exception exit 1, which NPD's custom plugin reads as unhealthy.
            context.out().println("health-checker: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return UNKNOWN;
        }
    }

    private int checkAndRepair(CommandContext context, List<String> args) throws InterruptedException {
        HealthCheckerOptions options;
        try {
            options = HealthCheckerOptions.parse(context, args);
        } catch (IllegalArgumentException e) {
            context.out().println(e.getMessage());
            return UNKNOWN;
        }
        String component = options.component().flag;
        Instant now = context.clock().instant();
        UnitUptime uptime = new UnitUptime(executable("systemctl").orElse(Path.of("systemctl")), options.service(), new HostCommand(COMMAND_TIMEOUT));
        Verdict verdict;
        try {
            verdict = check(options);
        } catch (IllegalArgumentException e) {
            context.out().println("error checking " + component + " health: " + e.getMessage());
            return UNKNOWN;
        }
        if (verdict instanceof Verdict.CannotTell(String why)) {
            context.out().println("error checking " + component + " health: " + why);
            return UNKNOWN;
        }
        Verdict logs;
        try {
            logs = countLogPatterns(options, uptime, now, context.journal());
        } catch (IOException e) {
            context.out().println("error checking " + component + " health: " + e.getMessage());
            return UNKNOWN;
        }
        if (verdict instanceof Verdict.Healthy && logs instanceof Verdict.Healthy) {
            return OK;
        }
        PrintStream err = context.err();
        for (Verdict v : List.of(verdict, logs)) {
            if (v instanceof Verdict.Unhealthy(String why)) {
                err.println(component + " unhealthy: " + why);
            }
        }
        if (options.enableRepair()) {
            repair(options, uptime, now, err);
        }
        // NPD's words: its custom plugin shows them (cut to max_output_length) as the condition's message.
        context.out().println(component + ":" + options.service() + " was found unhealthy; repair flag : " + options.enableRepair());
        return NON_OK;
    }

    private Verdict check(HealthCheckerOptions options) throws InterruptedException {
        return switch (options.component()) {
            case KUBELET -> healthz(port("KUBELET_PORT", 10248), options.healthCheckTimeout());
            case KUBE_PROXY -> healthz(port("KUBEPROXY_PORT", 10256), options.healthCheckTimeout());
            case DOCKER -> {
                Optional<Path> docker = executable("docker");
                yield docker.isEmpty()
                        ? new Verdict.CannotTell("docker is not on PATH (" + environment.getOrDefault("PATH", "") + ")")
                        : command(List.of(docker.get().toString(), "ps"), options.healthCheckTimeout());
            }
            case CRI -> Files.isExecutable(options.crictl())
                    ? command(List.of(options.crictl().toString(), "--timeout=" + GoDuration.formatShort(options.criTimeout()), "--runtime-endpoint=" + options.criSocket(), "pods", "--latest"),
                    options.healthCheckTimeout())
                    : new Verdict.CannotTell("--crictl-path " + options.crictl() + " is not an executable; the container-runtime daemon checks the CRI socket without crictl");
        };
    }

    /** NPD's endpoints: {@code http://<HOST_ADDRESS or 127.0.0.1>:<port>/healthz}, 200 is healthy. */
    private Verdict healthz(int port, Duration timeout) throws InterruptedException {
        String host = environment.getOrDefault("HOST_ADDRESS", "");
        URI url = URI.create("http://" + (host.isBlank() ? "127.0.0.1" : host.strip()) + ":" + port + "/healthz");
        HealthzProbe probe = new HealthzProbe(url, timeout);
        try {
            return switch (probe.look()) {
                case HealthzProbe.Answer.Healthy _ -> new Verdict.Healthy();
                case HealthzProbe.Answer.Failed failed -> new Verdict.Unhealthy(failed.why());
                case HealthzProbe.Answer.NotListening notListening -> new Verdict.Unhealthy(notListening.why());
            };
        } finally {
            probe.close();
        }
    }

    private static Verdict command(List<String> command, Duration timeout) throws InterruptedException {
        String ran = "\"" + HostCommand.text(command) + "\"";
        return switch (new HostCommand(timeout).run(command, Map.of())) {
            case HostCommand.Result.Exited exited when exited.status() == 0 -> new Verdict.Healthy();
            case HostCommand.Result.Exited exited -> new Verdict.Unhealthy(ran + " exited " + exited.status() + UnitUptime.quoted(exited.output()));
            case HostCommand.Result.TimedOut timedOut -> new Verdict.Unhealthy(ran + " did not finish within " + GoDuration.formatShort(timedOut.timeout()));
            case HostCommand.Result.NotRun notRun -> new Verdict.CannotTell(ran + " could not be run: " + notRun.why());
        };
    }

    /**
     * NPD's {@code --log-pattern}: each pattern's lines in the unit's journal since it started (or within
     * {@code --loopback-time}, when set and shorter), unhealthy at the pattern's count.
     */
    private Verdict countLogPatterns(HealthCheckerOptions options, UnitUptime uptime, Instant now, Journal journal) throws IOException, InterruptedException {
        if (options.logPatterns().isEmpty()) {
            return new Verdict.Healthy();
        }
        Duration up = switch (uptime.at(now)) {
            case UnitUptime.Uptime.Up u -> u.duration();
            case UnitUptime.Uptime.Unknown unknown -> throw new IOException("cannot tell since when to count log patterns: " + unknown.why());
        };
        Duration back = !options.loopbackTime().isZero() && up.compareTo(options.loopbackTime()) > 0 ? options.loopbackTime() : up;
        Map<Pattern, int[]> seen = new LinkedHashMap<>();
        options.logPatterns().keySet().forEach(p -> seen.put(p, new int[1]));
        // NPD runs journalctl --unit U --since T; the agent's journal reader reads the same window, and fails a journal
        // it cannot read or that holds nothing (which NPD's grep would count as 0, healthy).
        journal.read(Journal.Query.unit(options.service()), now.minus(back), now, COMMAND_TIMEOUT, entry -> {
            for (Map.Entry<Pattern, int[]> e : seen.entrySet()) {
                if (e.getKey().matcher(entry.message()).find()) {
                    e.getValue()[0]++;
                }
            }
        });
        for (Map.Entry<Pattern, int[]> e : seen.entrySet()) {
            int threshold = options.logPatterns().get(e.getKey());
            if (e.getValue()[0] >= threshold) {
                return new Verdict.Unhealthy("\"" + e.getKey().pattern() + "\" occurred " + e.getValue()[0] + " times in the journal of " + options.service()
                        + " within " + GoDuration.formatShort(back) + " (threshold " + threshold + ")");
            }
        }
        return new Verdict.Healthy();
    }

    /**
     * NPD's repair, best effort: only a unit up for longer than the cooldown (one that systemd or a person
     * just (re)started is left alone), by killing its main process so systemd's Restart= brings it back and
     * counts it as a failure (node-problem-detector issue 847). dockerd is first asked for a goroutine dump.
     */
    private void repair(HealthCheckerOptions options, UnitUptime uptime, Instant now, PrintStream err) throws InterruptedException {
        switch (uptime.at(now)) {
            case UnitUptime.Uptime.Unknown unknown -> {
                err.println("not repaired: cannot tell how long " + options.service() + " has been up: " + unknown.why());
                return;
            }
            case UnitUptime.Uptime.Up up when up.duration().compareTo(options.cooldownTime()) <= 0 -> {
                err.println("not repaired: " + options.service() + " has been up for " + GoDuration.formatShort(up.duration()) + ", within the cooldown of "
                        + GoDuration.formatShort(options.cooldownTime()));
                return;
            }
            case UnitUptime.Uptime.Up _ -> {
            }
        }
        List<List<String>> commands = new ArrayList<>();
        if (options.component() == Component.DOCKER) {
            executable("pkill").ifPresent(pkill -> commands.add(List.of(pkill.toString(), "-SIGUSR1", "dockerd")));
        }
        commands.add(List.of(executable("systemctl").orElse(Path.of("systemctl")).toString(), "kill", "--kill-who=main", options.service()));
        HostCommand host = new HostCommand(COMMAND_TIMEOUT);
        for (List<String> command : commands) {
            String ran = "repair: ran \"" + HostCommand.text(command) + "\": ";
            err.println(switch (host.run(command, Map.of())) {
                case HostCommand.Result.Exited exited -> ran + "exit status " + exited.status() + UnitUptime.quoted(exited.output());
                case HostCommand.Result.TimedOut timedOut -> ran + "did not finish within " + GoDuration.formatShort(timedOut.timeout());
                case HostCommand.Result.NotRun notRun -> ran + "could not be run: " + notRun.why();
            });
        }
    }

    private int port(String variable, int npdDefault) {
        String value = environment.getOrDefault(variable, "").strip();
        if (value.isEmpty()) {
            return npdDefault;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + "=" + value + " is not a port number", e);
        }
    }

    /** The first executable {@code name} on the PATH this command was given, as a shell would find it. */
    private Optional<Path> executable(String name) {
        for (String dir : environment.getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
