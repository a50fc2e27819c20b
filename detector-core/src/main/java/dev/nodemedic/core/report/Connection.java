package dev.nodemedic.core.report;

import dev.nodemedic.core.DurationArgument;
import dev.nodemedic.core.remote.ReportSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every report command takes: where the agent's socket is and how long to wait for it. */
final class Connection {
    @Option(names = "--socket", paramLabel = "PATH", description = {"The agent's report socket. Default: $NODEMEDIC_REPORT_SOCKET, else",
            "/run/nodemedic/report.sock, else a local agent's ($XDG_RUNTIME_DIR/nodemedic/report.sock)."})
    Path socket;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationArgument.class, defaultValue = "10s",
            description = "How long to wait for the agent (default ${DEFAULT-VALUE}).")
    Duration timeout;

    Path resolve() {
        if (socket != null) {
            return socket;
        }
        Map<String, String> env = System.getenv();
        String configured = env.get("NODEMEDIC_REPORT_SOCKET");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        List<Path> candidates = ReportSocket.clientDefaults(env);
        return candidates.stream().filter(Files::exists).findFirst().orElse(candidates.getFirst());
    }
}
