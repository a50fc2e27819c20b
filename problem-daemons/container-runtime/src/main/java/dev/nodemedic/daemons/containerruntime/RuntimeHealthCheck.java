package dev.nodemedic.daemons.containerruntime;

import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemons.containerruntime.CriClient.Reply;
import dev.nodemedic.daemons.containerruntime.CriMessages.RuntimeCondition;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusResponse;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionResponse;
import dev.nodemedic.daemons.containerruntime.ProtoReader.MalformedMessageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One look at the runtime, as the kubelet takes it: {@code Version}, then {@code Status}, whose
 * RuntimeReady and NetworkReady conditions must both be true (the kubelet's own rule: a runtime that
 * reports either false, or leaves one out, is not ready).
 */
final class RuntimeHealthCheck {
    /** The runtime conditions the kubelet requires (cri-api: RuntimeReady, NetworkReady). */
    static final List<String> REQUIRED_CONDITIONS = List.of("RuntimeReady", "NetworkReady");

    /** What one look found. */
    sealed interface Health {
        /** Answered both calls, and reports itself ready; {@code runtime} is its name and version. */
        record Healthy(RuntimeKind kind, Path socket, String runtime) implements Health {
        }

        record Unhealthy(RuntimeKind kind, Path socket, String why) implements Health {
        }

        /** None of the sockets exists. */
        record NoSocket(List<Path> looked) implements Health {
        }

        /** The socket is there, but the agent may not connect to it. */
        record NoAccess(Path socket, String why) implements Health {
        }
    }

    private final CriClient client;
    private final List<Path> sockets;
    private final Duration timeout;

    RuntimeHealthCheck(CriClient client, List<Path> sockets, Duration timeout) {
        this.client = client;
        this.sockets = List.copyOf(sockets);
        this.timeout = timeout;
    }

    /** The first socket that exists, as crictl picks one of its default endpoints. */
    static Optional<Path> firstExisting(List<Path> sockets) {
        return sockets.stream().filter(Files::exists).findFirst();
    }

    Health look() throws InterruptedException {
        Optional<Path> found = firstExisting(sockets);
        if (found.isEmpty()) {
            return new Health.NoSocket(sockets);
        }
        Path socket = found.get();
        RuntimeKind kind = RuntimeKind.of(socket);
        // connect(2) on a unix socket needs write permission on the socket file.
        if (!Files.isWritable(socket)) {
            return noAccess(socket);
        }
        String runtime = kind.displayName();
        Reply version = client.call(socket, "Version", new VersionRequest(CriMessages.API_VERSION).encode());
        if (!(version instanceof Reply.Answered answered)) {
            return failed(kind, socket, runtime, "Version", version);
        }
        try {
            VersionResponse response = VersionResponse.decode(answered.message());
            if (!response.runtimeName().isEmpty()) {
                runtime = (response.runtimeName() + " " + response.runtimeVersion()).strip();
            }
        } catch (MalformedMessageException e) {
            return new Health.Unhealthy(kind, socket, runtime + " at " + socket + " answered Version with something that is not a VersionResponse: " + e.getMessage());
        }

        Reply status = client.call(socket, "Status", new StatusRequest(false).encode());
        if (!(status instanceof Reply.Answered statusAnswer)) {
            return failed(kind, socket, runtime, "Status", status);
        }
        StatusResponse response;
        try {
            response = StatusResponse.decode(statusAnswer.message());
        } catch (MalformedMessageException e) {
            return new Health.Unhealthy(kind, socket, runtime + " at " + socket + " answered Status with something that is not a StatusResponse: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String type : REQUIRED_CONDITIONS) {
            Optional<RuntimeCondition> condition = response.condition(type);
            if (condition.isEmpty()) {
                problems.add(type + " missing from its status");
            } else if (!condition.get().status()) {
                problems.add(type + "=false" + explanation(condition.get()));
            }
        }
        if (!problems.isEmpty()) {
            return new Health.Unhealthy(kind, socket, runtime + " at " + socket + ": " + problems.stream().collect(Collectors.joining(", ")));
        }
        return new Health.Healthy(kind, socket, runtime);
    }

    private Health failed(RuntimeKind kind, Path socket, String runtime, String call, Reply reply) {
        return switch (reply) {
            case Reply.TimedOut timedOut ->
                    new Health.Unhealthy(kind, socket, "no answer from " + runtime + " at " + socket + " to " + call + " within " + GoDuration.formatShort(timeout));
            case Reply.Refused refused ->
                    new Health.Unhealthy(kind, socket, runtime + " at " + socket + ": connection refused; the socket is there but nothing listens on it");
            case Reply.Failed failure -> new Health.Unhealthy(kind, socket, runtime + " at " + socket + ": " + call + " failed: " + failure.why());
            case Reply.Denied denied -> noAccess(socket);
            case Reply.Answered answered -> throw new IllegalStateException(call + " answered; not a failure");
        };
    }

    private static Health noAccess(Path socket) {
        return new Health.NoAccess(socket, "the agent may not connect to " + socket
                + ": connecting to a unix socket needs write permission on it; run the agent as root or in the socket's group");
    }

    private static String explanation(RuntimeCondition condition) {
        if (condition.reason().isEmpty() && condition.message().isEmpty()) {
            return "";
        }
        if (condition.message().isEmpty()) {
            return " (reason " + condition.reason() + ")";
        }
        return " (reason " + (condition.reason().isEmpty() ? "none" : condition.reason()) + ": " + condition.message() + ")";
    }
}
