package dev.nodemedic.daemons.containerruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemons.containerruntime.CriMessages.RuntimeCondition;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.StatusResponse;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionRequest;
import dev.nodemedic.daemons.containerruntime.CriMessages.VersionResponse;
import dev.nodemedic.daemons.containerruntime.RuntimeHealthCheck.Health;
import dev.nodemedic.daemons.containerruntime.StandInRuntime.Behaviour;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ContainerRuntimeUnhealthy against real sockets: a stand-in runtime serving gRPC on a unix socket in
 * a temp dir, a socket file nobody listens on, servers that do not speak gRPC, and no socket at all.
 * The calls' timeout is real time (gRPC deadlines are). Nothing waits on luck: a hung runtime never
 * answers, a slow one answers only when the test releases it, and the tests that expect an answer give
 * it the default 5s, which a prompt stand-in on this machine never comes near once warmed up.
 */
class ContainerRuntimeHealthTest {
    /** For the hung and slow runtimes, which the daemon must give up on: short, to keep the tests fast. */
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static Vertx vertx;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final ContainerRuntimeDaemon daemon = new ContainerRuntimeDaemon();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private RecordingDaemonContext<ContainerRuntimeConfig> context;

    @BeforeAll
    static void startVertx(@TempDir Path warmUp) throws InterruptedException {
        vertx = Vertx.vertx();
        // The JVM's first HTTP/2 call loads Vert.x's and Netty's HTTP/2 classes, which can take seconds on a
        // busy machine: make it here, so the short timeouts below measure the stand-in, not class loading.
        try (StandInRuntime runtime = new StandInRuntime(vertx, warmUp.resolve("containerd.sock"))) {
            CriClient client = new CriClient(vertx, Duration.ofSeconds(30));
            assertThat(client.call(runtime.socket(), "Version", new VersionRequest("v1").encode())).isInstanceOf(CriClient.Reply.Answered.class);
            client.close();
        }
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().await();
    }

    @AfterEach
    void stop() throws Exception {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private StandInRuntime runtime(String socketName) {
        StandInRuntime runtime = new StandInRuntime(vertx, dir.resolve(socketName));
        closing.add(runtime);
        return runtime;
    }

    private ContainerRuntimeConfig config(Path... sockets) {
        return config(null, sockets);
    }

    /** {@code timeout} null: the default, 5s. */
    private ContainerRuntimeConfig config(Duration timeout, Path... sockets) {
        List<URI> endpoints = new ArrayList<>();
        for (Path socket : sockets) {
            endpoints.add(URI.create("unix://" + socket));
        }
        return new ContainerRuntimeConfig(endpoints, timeout == null ? null : timeout.multipliedBy(2), timeout, dir.resolve("no-systemctl"), null, null, null);
    }

    private void open(ContainerRuntimeConfig config) {
        context = new RecordingDaemonContext<>(daemon, config, clock).withHostService(Vertx.class, vertx);
        daemon.open(context);
    }

    private Condition unhealthy() {
        return context.condition("ContainerRuntimeUnhealthy");
    }

    @Test
    void aReadyRuntimeIsHealthyWithNpdsReasonAndMessage() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        open(config(runtime.socket()));

        Health health = daemon.checkHealth();

        assertThat(health).isEqualTo(new Health.Healthy(RuntimeKind.CONTAINERD, runtime.socket(), "containerd v1.7.2"));
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(unhealthy().reason()).isEqualTo("ContainerRuntimeIsHealthy");
        assertThat(unhealthy().message()).isEqualTo("Container runtime on the node is functioning properly");
        // Asked as the kubelet asks: CRI v1, status without the verbose info map.
        assertThat(runtime.versionRequests()).containsExactly(new VersionRequest("v1"));
        assertThat(runtime.statusRequests()).containsExactly(new StatusRequest(false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            false | true  | RuntimeReady=false (reason ContainerdNotReady: containerd is shutting down)
            true  | false | NetworkReady=false (reason NetworkPluginNotReady: Network plugin returns error: cni plugin not initialized)
            false | false | RuntimeReady=false (reason ContainerdNotReady: containerd is shutting down), NetworkReady=false (reason NetworkPluginNotReady: Network plugin returns error: cni plugin not initialized)
            """)
    void aRuntimeReportingItselfNotReadyIsUnhealthyWithItsOwnReason(boolean runtimeReady, boolean networkReady, String expected) throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        runtime.answerStatus(StandInRuntime.ready(runtimeReady, networkReady));
        open(config(runtime.socket()));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().reason()).isEqualTo("ContainerdUnhealthy");
        assertThat(unhealthy().message()).isEqualTo("containerd v1.7.2 at " + runtime.socket() + ": " + expected);
    }

    @Test
    void aStatusWithoutRuntimeReadyIsUnhealthyAsTheKubeletJudgesIt() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        runtime.answerStatus(new StatusResponse(List.of(new RuntimeCondition("NetworkReady", true, "", ""))));
        open(config(runtime.socket()));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("containerd v1.7.2 at " + runtime.socket() + ": RuntimeReady missing from its status");
    }

    @Test
    void crioNotReadyGivesCrioUnhealthyAndItsName() throws Exception {
        Files.createDirectories(dir.resolve("crio"));
        StandInRuntime runtime = runtime("crio/crio.sock");
        runtime.answerVersion(new VersionResponse("0.1.0", "cri-o", "1.31.1", "v1"));
        runtime.answerStatus(StandInRuntime.ready(false, true));
        open(config(runtime.socket()));

        daemon.checkHealth();

        assertThat(unhealthy().reason()).isEqualTo("CrioUnhealthy");
        assertThat(unhealthy().message()).startsWith("cri-o 1.31.1 at " + runtime.socket() + ": RuntimeReady=false");
    }

    @Test
    void theFirstSocketThatExistsIsAsked() throws Exception {
        StandInRuntime runtime = runtime("crio.sock");
        runtime.answerVersion(new VersionResponse("0.1.0", "cri-o", "1.31.1", "v1"));
        open(config(dir.resolve("containerd.sock"), runtime.socket()));

        Health health = daemon.checkHealth();

        assertThat(health).isEqualTo(new Health.Healthy(RuntimeKind.CRIO, runtime.socket(), "cri-o 1.31.1"));
    }

    @Test
    void aHungRuntimeIsUnhealthyAfterTheTimeoutAndTheCallIsCancelled() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        runtime.version(new Behaviour.Hold(new VersionResponse("0.1.0", "containerd", "v1.7.2", "v1").encode()));
        open(config(SHORT, runtime.socket()));
        long started = System.nanoTime();

        daemon.checkHealth();

        // Bounded, not timed: the look returned although the runtime never answered.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().reason()).isEqualTo("ContainerdUnhealthy");
        assertThat(unhealthy().message()).isEqualTo("no answer from containerd at " + runtime.socket() + " to Version within 1s");
        RecordingDaemonContext.awaitTrue("the runtime sees the abandoned call reset", Duration.ofSeconds(10), () -> runtime.resets() > 0);
    }

    @Test
    void aSlowAnswerArrivingAfterTheTimeoutIsDroppedAndTheNextLookCountsAgain() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        runtime.version(new Behaviour.Hold(new VersionResponse("0.1.0", "containerd", "v1.7.2", "v1").encode()));
        open(config(SHORT, runtime.socket()));

        daemon.checkHealth();
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("no answer from containerd at " + runtime.socket() + " to Version within 1s");

        // The abandoned call's reset reaches the runtime first (else it can cross the next look's request).
        RecordingDaemonContext.awaitTrue("the runtime sees the abandoned call reset", Duration.ofSeconds(10), () -> runtime.resets() > 0);
        // The runtime answers, late, on the same connection; then it is prompt again.
        runtime.releaseHeld();
        runtime.answerVersion(new VersionResponse("0.1.0", "containerd", "v1.7.2", "v1"));
        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(runtime.versionRequests()).hasSize(2);
        assertThat(context.failures()).isEmpty();
    }

    @Test
    void aSocketNobodyListensOnIsARuntimeThatIsDown() throws Exception {
        Path socket = dir.resolve("containerd.sock");
        // What a crashed runtime leaves behind: the socket file, bound once, with no listener now.
        try (ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        open(config(socket));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().reason()).isEqualTo("ContainerdUnhealthy");
        assertThat(unhealthy().message()).isEqualTo("containerd at " + socket + ": connection refused; the socket is there but nothing listens on it");
    }

    @Test
    void noSocketAnywhereIsUnknownListingWhereItLooked() throws Exception {
        Path containerd = dir.resolve("containerd.sock");
        Path crio = dir.resolve("crio.sock");
        open(config(containerd, crio));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(unhealthy().reason()).isEqualTo("NoContainerRuntime");
        assertThat(unhealthy().message()).isEqualTo("no container runtime socket at " + containerd + ", " + crio
                + "; a host without a container runtime has none, in a pod mount the runtime's socket directory");
    }

    @Test
    void aSocketThatGoesAwayAfterTheRuntimeAnsweredIsUnhealthy() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        open(config(runtime.socket()));
        // The look itself, not only the condition: should it not answer, the failure says what it found.
        assertThat(daemon.checkHealth()).isInstanceOf(Health.Healthy.class);
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.FALSE);

        runtime.close();
        Files.deleteIfExists(runtime.socket());
        assertThat(daemon.checkHealth()).isEqualTo(new Health.NoSocket(List.of(runtime.socket())));

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("the container runtime's socket is gone: none of " + runtime.socket() + " exists");
    }

    @Test
    void anErrorStatusIsUnhealthyWithTheRuntimesWords() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        runtime.version(new Behaviour.Error(GrpcStatus.UNIMPLEMENTED, "unknown service runtime.v1.RuntimeService"));
        open(config(runtime.socket()));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("containerd at " + runtime.socket()
                + ": Version failed: answered gRPC status UNIMPLEMENTED: unknown service runtime.v1.RuntimeService");
    }

    @Test
    void anAnswerThatIsNotAVersionResponseIsUnhealthy() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        // Field 2 announces 16 bytes and has 3.
        runtime.version(new Behaviour.Answer(new byte[] {0x12, 0x10, 'a', 'b', 'c'}));
        open(config(runtime.socket()));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("containerd at " + runtime.socket()
                + " answered Version with something that is not a VersionResponse: field 2 claims 16 bytes, only 3 are left");
    }

    @Test
    void anAnswerOverTheBoundIsNotReadToTheEnd() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        runtime.version(new Behaviour.Answer(new VersionResponse("x".repeat(CriClient.MAX_ANSWER), "containerd", "v1.7.2", "v1").encode()));
        open(config(runtime.socket()));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("containerd at " + runtime.socket() + ": Version failed: answered more than 1048576 bytes");
    }

    @Test
    void anHttpServerThatIsNotGrpcIsUnhealthy() throws Exception {
        Path socket = dir.resolve("containerd.sock");
        var server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                .requestHandler(request -> request.response().setStatusCode(404).putHeader("content-type", "text/plain").end("404 page not found"))
                .listen(SocketAddress.domainSocketAddress(socket.toString())).await();
        closing.add(() -> server.close().await());
        open(config(socket));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("containerd at " + socket + ": Version failed: answered HTTP 404, not gRPC");
    }

    @Test
    void somethingThatSpeaksNoHttp2IsUnhealthyNotAHang() throws Exception {
        Path socket = dir.resolve("containerd.sock");
        // A line-protocol server: answers anything with one line and hangs up.
        var server = vertx.createNetServer()
                .connectHandler(connection -> connection.handler(bytes -> connection.end(Buffer.buffer("ERR unknown command\r\n"))))
                .listen(SocketAddress.domainSocketAddress(socket.toString())).await();
        closing.add(() -> server.close().await());
        open(config(socket));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().reason()).isEqualTo("ContainerdUnhealthy");
        assertThat(unhealthy().message()).startsWith("containerd at " + socket + ": Version failed: ");
    }

    @Test
    void aSocketTheAgentMayNotWriteIsUnknownNamingThePermission() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        Files.setPosixFilePermissions(runtime.socket(), Set.of());
        // root may connect to any socket: there is nothing to refuse it.
        assumeFalse(Files.isWritable(runtime.socket()), "runs as a user that permissions apply to");
        open(config(runtime.socket()));

        daemon.checkHealth();

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(unhealthy().reason()).isEqualTo("NoContainerRuntimeAccess");
        assertThat(unhealthy().message()).contains("needs write permission on it");
    }

    @Test
    void anAgentWithoutVertxLeavesTheRuntimeUncheckedAndSaysWhy() {
        context = new RecordingDaemonContext<>(daemon, config(dir.resolve("containerd.sock")), clock);

        daemon.start(context);

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(unhealthy().reason()).isEqualTo("ContainerRuntimeNotChecked");
        assertThat(unhealthy().message()).contains("shares no Vert.x instance");
        assertThat(context.failures()).isEmpty();
    }

    @Test
    void startedOnItsSchedulerItReportsWithoutBeingAsked() throws Exception {
        StandInRuntime runtime = runtime("containerd.sock");
        runtime.answerStatus(StandInRuntime.ready(false, true));
        context = new RecordingDaemonContext<>(daemon, config(runtime.socket()), clock).withHostService(Vertx.class, vertx);

        daemon.start(context);

        RecordingDaemonContext.awaitTrue("the first look sets the condition", Duration.ofSeconds(10),
                () -> unhealthy().status() == ConditionStatus.TRUE);
        assertThat(unhealthy().reason()).isEqualTo("ContainerdUnhealthy");
    }
}
