package dev.nodemedic.daemons.containerruntime;

import dev.nodemedic.daemons.containerruntime.CriMessages.RuntimeCondition;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusResponse;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionResponse;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CRI runtime as the daemon sees one: a real gRPC server (Vert.x's, not our client's code) on a
 * unix socket, answering {@code runtime.v1.RuntimeService/Version} and {@code /Status} with what the test
 * sets. A method can also answer with an error status, hold its answer until the test releases it (a
 * slow runtime), or never answer (a hung one).
 */
final class StandInRuntime implements AutoCloseable {
    /** What a method does with the next calls. */
    sealed interface Behaviour {
        record Answer(byte[] message) implements Behaviour {
        }

        record Error(GrpcStatus status, String message) implements Behaviour {
        }

        /** Keeps the call open without answering until {@link #releaseHeld()}. */
        record Hold(byte[] message) implements Behaviour {
        }
    }

    private static final ServiceName SERVICE = ServiceName.create("runtime.v1.RuntimeService");

    private final Path socket;
    private final HttpServer server;
    private volatile Behaviour version;
    private volatile Behaviour status;
    private final List<VersionRequest> versionRequests = new CopyOnWriteArrayList<>();
    private final List<StatusRequest> statusRequests = new CopyOnWriteArrayList<>();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger resets = new AtomicInteger();

    StandInRuntime(Vertx vertx, Path socket) {
        this.socket = socket;
        answerVersion(new VersionResponse("0.1.0", "containerd", "v1.7.2", "v1"));
        answerStatus(ready(true, true));
        GrpcServer grpc = GrpcServer.server(vertx);
        grpc.callHandler(ServiceMethod.server(SERVICE, "Version", GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY), call -> call.handler(request -> {
            try {
                versionRequests.add(VersionRequest.decode(request.getBytes()));
            } catch (ProtoReader.MalformedMessageException e) {
                throw new AssertionError("the daemon sent a bad VersionRequest", e);
            }
            respond(call, version);
        }));
        grpc.callHandler(ServiceMethod.server(SERVICE, "Status", GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY), call -> call.handler(request -> {
            try {
                statusRequests.add(StatusRequest.decode(request.getBytes()));
            } catch (ProtoReader.MalformedMessageException e) {
                throw new AssertionError("the daemon sent a bad StatusRequest", e);
            }
            respond(call, status);
        }));
        this.server = vertx.createHttpServer().requestHandler(grpc);
        server.listen(SocketAddress.domainSocketAddress(socket.toString())).await();
    }

    static StatusResponse ready(boolean runtimeReady, boolean networkReady) {
        return new StatusResponse(List.of(
                new RuntimeCondition("RuntimeReady", runtimeReady, runtimeReady ? "" : "ContainerdNotReady", runtimeReady ? "" : "containerd is shutting down"),
                new RuntimeCondition("NetworkReady", networkReady, networkReady ? "" : "NetworkPluginNotReady",
                        networkReady ? "" : "Network plugin returns error: cni plugin not initialized")));
    }

    void answerVersion(VersionResponse response) {
        version = new Behaviour.Answer(response.encode());
    }

    void answerStatus(StatusResponse response) {
        status = new Behaviour.Answer(response.encode());
    }

    void version(Behaviour behaviour) {
        version = behaviour;
    }

    void status(Behaviour behaviour) {
        status = behaviour;
    }

    /** Answers the calls held so far, late. */
    void releaseHeld() {
        List<Runnable> now = List.copyOf(held);
        held.removeAll(now);
        now.forEach(Runnable::run);
    }

    List<VersionRequest> versionRequests() {
        return List.copyOf(versionRequests);
    }

    List<StatusRequest> statusRequests() {
        return List.copyOf(statusRequests);
    }

    /** Calls the client reset (gave up on) before they were answered. */
    int resets() {
        return resets.get();
    }

    Path socket() {
        return socket;
    }

    private void respond(GrpcServerRequest<Buffer, Buffer> call, Behaviour behaviour) {
        switch (behaviour) {
            case Behaviour.Answer answer -> call.response().end(Buffer.buffer(answer.message()));
            case Behaviour.Error error -> call.response().status(error.status()).statusMessage(error.message()).end();
            case Behaviour.Hold hold -> {
                call.exceptionHandler(e -> resets.incrementAndGet());
                call.errorHandler(e -> resets.incrementAndGet());
                held.add(() -> {
                    try {
                        call.response().end(Buffer.buffer(hold.message()));
                    } catch (IllegalStateException e) {
                        // The client gave up and reset the call before the late answer: it has nowhere to go.
                        resets.incrementAndGet();
                    }
                });
            }
        }
    }

    @Override
    public void close() {
        server.close().await();
    }
}
