package dev.nodemedic.reporter.kubernetes;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The name of the Node object this agent reports on: from the agent's config, else {@code NODE_NAME}
 * (the DaemonSet sets it from the downward API, {@code spec.nodeName}), else the host name, lower-cased
 * as kubelet registers it.
 */
public record NodeName(String value) {
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    public NodeName {
        if (value == null || value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            throw new IllegalArgumentException("node name \"" + value + "\" is not a valid Kubernetes object name (lower-case DNS subdomain, at most 253 characters)");
        }
    }

    public static NodeName resolve(Optional<String> configured, Map<String, String> environment, Supplier<String> hostName) {
        return configured.filter(name -> !name.isBlank())
                .or(() -> Optional.ofNullable(environment.get("NODE_NAME")).filter(name -> !name.isBlank()))
                .map(NodeName::new)
                .orElseGet(() -> new NodeName(hostName.get().toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return value;
    }
}
