package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.CommandContext;
import dev.nodemedic.daemons.npdrules.NpdFlags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * NPD's health-checker flags, with NPD's defaults.
 *
 * @param component          {@code --component}: kubelet, docker, cri or kube-proxy (default kubelet)
 * @param service            {@code --service} ({@code --systemd-service}): the systemd unit behind it; default the
 *                           component's name, containerd for cri
 * @param enableRepair       {@code --enable-repair} (default true, as NPD's)
 * @param crictl             {@code --crictl-path} (default /usr/bin/crictl)
 * @param criSocket          {@code --cri-socket-path} (default unix:///var/run/containerd/containerd.sock)
 * @param criTimeout         {@code --cri-timeout}: passed to crictl (default 2s)
 * @param cooldownTime       {@code --cooldown-time}: the unit must have been up this long before a repair (default 2m)
 * @param loopbackTime       {@code --loopback-time}: how far back log patterns are counted; 0 (default) since the unit started
 * @param healthCheckTimeout {@code --health-check-timeout}: for the healthz GET, docker ps or crictl (default 10s)
 * @param logPatterns        {@code --log-pattern} {@code count:pattern[,count:pattern]}: unhealthy once a pattern occurred
 *                           count times in the unit's journal (case-insensitive, as NPD's grep -i)
 */
record HealthCheckerOptions(Component component, String service, boolean enableRepair, Path crictl, String criSocket, Duration criTimeout,
                            Duration cooldownTime, Duration loopbackTime, Duration healthCheckTimeout, Map<Pattern, Integer> logPatterns) {

    /** What NPD's health-checker can check. */
    enum Component {
        KUBELET("kubelet"), DOCKER("docker"), CRI("cri"), KUBE_PROXY("kube-proxy");

        final String flag;

        Component(String flag) {
            this.flag = flag;
        }

        static Component of(String flag) {
            for (Component c : values()) {
                if (c.flag.equals(flag)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("--component: \"" + flag + "\" is not supported; supported components are kubelet, docker, cri and kube-proxy");
        }
    }

    private static final Set<String> BOOLEANS = Set.of("enable-repair");

    HealthCheckerOptions {
        logPatterns = Map.copyOf(logPatterns);
    }

    static HealthCheckerOptions parse(CommandContext context, List<String> args) {
        Component component = Component.KUBELET;
        String service = "";
        boolean enableRepair = true;
        Path crictl = Path.of("/usr/bin/crictl");
        String criSocket = "unix:///var/run/containerd/containerd.sock";
        Duration criTimeout = Duration.ofSeconds(2);
        Duration cooldown = Duration.ofMinutes(2);
        Duration loopback = Duration.ZERO;
        Duration timeout = Duration.ofSeconds(10);
        Map<Pattern, Integer> logPatterns = new LinkedHashMap<>();
        NpdFlags flags = new NpdFlags(args);
        while (flags.next(BOOLEANS)) {
            switch (flags.name()) {
                case "component" -> component = Component.of(flags.value());
                case "service", "systemd-service" -> service = flags.value();
                case "enable-repair" -> enableRepair = flags.bool();
                case "crictl-path" -> crictl = Path.of(flags.value());
                case "cri-socket-path" -> criSocket = flags.value();
                case "cri-timeout" -> criTimeout = positive(context, flags);
                case "cooldown-time" -> cooldown = notNegative(context, flags);
                case "loopback-time" -> loopback = notNegative(context, flags);
                case "health-check-timeout" -> timeout = positive(context, flags);
                case "log-pattern" -> logPatterns.putAll(logPatterns(flags.value()));
                default -> throw new IllegalArgumentException("unknown flag --" + flags.name());
            }
        }
        if (service.isEmpty()) {
            service = component == Component.CRI ? "containerd" : component.flag;
        }
        if (component == Component.CRI && (crictl.toString().isEmpty() || criSocket.isEmpty())) {
            throw new IllegalArgumentException("--crictl-path and --cri-socket-path cannot be empty for the cri component");
        }
        return new HealthCheckerOptions(component, service, enableRepair, crictl, criSocket, criTimeout, cooldown, loopback, timeout, logPatterns);
    }

    /** {@code 10:pattern1,20:pattern2}: a count above zero, a colon, a non-empty pattern (which may hold colons). */
    private static Map<Pattern, Integer> logPatterns(String value) {
        Map<Pattern, Integer> patterns = new LinkedHashMap<>();
        for (String item : value.split(",", -1)) {
            int colon = item.indexOf(':');
            String what = "--log-pattern: \"" + item + "\" ";
            if (colon < 0 || colon == item.length() - 1) {
                throw new IllegalArgumentException(what + "is not <count>:<pattern>, such as 3:PLEG is not healthy");
            }
            int count;
            try {
                count = Integer.parseInt(item.substring(0, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + "does not start with a count, such as 3:PLEG is not healthy", e);
            }
            if (count < 1) {
                throw new IllegalArgumentException(what + "needs a count of at least 1");
            }
            try {
                patterns.put(Pattern.compile(item.substring(colon + 1), Pattern.CASE_INSENSITIVE), count);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(what + "is not a valid regular expression: " + e.getDescription(), e);
            }
        }
        return patterns;
    }

    private static Duration positive(CommandContext context, NpdFlags flags) {
        Duration d = notNegative(context, flags);
        if (d.isZero()) {
            throw new IllegalArgumentException("--" + flags.name() + ": must be more than 0, such as 10s");
        }
        return d;
    }

    private static Duration notNegative(CommandContext context, NpdFlags flags) {
        Duration d = flags.duration(context);
        if (d.isNegative()) {
            throw new IllegalArgumentException("--" + flags.name() + ": " + flags.value() + " is negative");
        }
        return d;
    }
}
