package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KubeletUnhealthy against a stand-in kubelet: a real HTTP server on a free loopback port. */
class KubeletHealthzTest {
    @TempDir
    Path dir;

    /** How the stand-in kubelet answers the next GET. */
    private enum Kubelet { HEALTHY, FAILING, HANGING }

    private final AtomicReference<Kubelet> behaviour = new AtomicReference<>(Kubelet.HEALTHY);
    private final AtomicInteger requests = new AtomicInteger();
    /** Held by hanging handlers until the test ends, so the server can stop. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final ManualClock clock = new ManualClock();
    private final KubeletHealthDaemon daemon = new KubeletHealthDaemon();
    private ExecutorService handlers;
    private HttpServer kubelet;
    private RecordingDaemonContext<KubeletHealthConfig> context;

    @BeforeEach
    void startKubelet() throws IOException {
        kubelet = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kubelet.createContext("/healthz", this::answer);
        // The default executor is the dispatcher thread itself: one hanging answer would block the rest.
        handlers = Executors.newCachedThreadPool();
        kubelet.setExecutor(handlers);
        kubelet.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            switch (behaviour.get()) {
                case HEALTHY -> respond(exchange, 200, "ok");
                // What a kubelet with a failed internal check prints.
                case FAILING -> respond(exchange, 500, "[+]ping ok\n[-]syncloop failed: reason withheld\nhealthz check failed\n");
                case HANGING -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @AfterEach
    void stopAll() {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
        release.countDown();
        kubelet.stop(0);
        handlers.shutdownNow();
    }

    private URI healthz() {
        return URI.create("http://127.0.0.1:" + kubelet.getAddress().getPort() + "/healthz");
    }

    private void open(URI url, Duration timeout, int failureThreshold) {
        KubeletHealthConfig config = new KubeletHealthConfig(url, timeout, Duration.ofMinutes(5), failureThreshold, Optional.of(dir.resolve("kubelet-client-current.pem")), null,
                null, dir.resolve("no-systemctl"), null, null, null, null);
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    private Condition unhealthy() {
        return context.condition("KubeletUnhealthy");
    }

    @Test
    void aKubeletAnswering200IsHealthyWithNpdsReasonAndMessage() throws Exception {
        open(healthz(), Duration.ofSeconds(5), 1);

        daemon.check(clock.instant());

        assertThat(requests.get()).isEqualTo(1);
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(unhealthy().reason()).isEqualTo("KubeletIsHealthy");
        assertThat(unhealthy().message()).isEqualTo("kubelet on the node is functioning properly");
    }

    @Test
    void aKubeletAnswering500IsUnhealthyQuotingWhatItSaid() throws Exception {
        open(healthz(), Duration.ofSeconds(5), 1);
        behaviour.set(Kubelet.FAILING);

        daemon.check(clock.instant());

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().reason()).isEqualTo("KubeletUnhealthy");
        assertThat(unhealthy().message()).isEqualTo("kubelet at " + healthz()
                + " answered 500: \"[+]ping ok [-]syncloop failed: reason withheld healthz check failed\"");
    }

    @Test
    void aHangingKubeletIsUnhealthyOnceTheTimeoutPasses() throws Exception {
        open(healthz(), Duration.ofMillis(300), 1);
        behaviour.set(Kubelet.HANGING);
        long started = System.nanoTime();

        daemon.check(clock.instant());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).isEqualTo("kubelet at " + healthz() + " did not answer within 300ms");
    }

    @Test
    void unhealthyOnlyAfterTheThresholdOfFailuresInARowAndHealthyAgainOnTheFirst200() throws Exception {
        open(healthz(), Duration.ofSeconds(5), 3);
        daemon.check(clock.instant());
        behaviour.set(Kubelet.FAILING);

        daemon.check(clock.instant());
        daemon.check(clock.instant());
        assertThat(unhealthy().status()).as("two failures of three").isEqualTo(ConditionStatus.FALSE);

        daemon.check(clock.instant());
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().message()).endsWith("(failed 3 looks in a row)");

        behaviour.set(Kubelet.HEALTHY);
        daemon.check(clock.instant());
        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aSuccessResetsTheCountOfFailures() throws Exception {
        open(healthz(), Duration.ofSeconds(5), 2);
        behaviour.set(Kubelet.FAILING);
        daemon.check(clock.instant());
        behaviour.set(Kubelet.HEALTHY);
        daemon.check(clock.instant());
        behaviour.set(Kubelet.FAILING);

        daemon.check(clock.instant());

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void nothingListeningOnAHostThatNeverHadAKubeletIsUnknownInWords() throws Exception {
        open(refusingAddress(), Duration.ofSeconds(5), 1);

        daemon.check(clock.instant());

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.UNKNOWN);
        assertThat(unhealthy().reason()).isEqualTo("NoKubelet");
        assertThat(unhealthy().message()).isEqualTo("no kubelet on 127.0.0.1:" + refusingAddress().getPort() + " (connection refused)");
    }

    @Test
    void aKubeletThatAnsweredAndThenStoppedListeningIsUnhealthy() throws Exception {
        open(healthz(), Duration.ofSeconds(5), 1);
        int port = kubelet.getAddress().getPort();
        daemon.check(clock.instant());

        kubelet.stop(0);
        daemon.check(clock.instant());

        assertThat(unhealthy().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(unhealthy().reason()).isEqualTo("KubeletUnhealthy");
        assertThat(unhealthy().message()).isEqualTo("no kubelet on 127.0.0.1:" + port + " (connection refused)");
    }

    @Test
    void theSchedulerLooksWithoutBeingAsked() throws Exception {
        behaviour.set(Kubelet.FAILING);
        KubeletHealthConfig config = new KubeletHealthConfig(healthz(), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Optional.of(dir.resolve("none.pem")), null,
                null, dir.resolve("no-systemctl"), null, null, new PlegConfig(null, null, null, null, null), null);
        context = new RecordingDaemonContext<>(daemon, config, clock);

        daemon.start(context);

        RecordingDaemonContext.awaitTrue("KubeletUnhealthy to become True", Duration.ofSeconds(10),
                () -> unhealthy().status() == ConditionStatus.TRUE);
        assertThat(context.failures()).isEmpty();
    }

    private URI refusingAddress() throws IOException {
        if (refusing == null) {
            // A port that was free a moment ago and has nothing bound now: connecting is refused.
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                refusing = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/healthz");
            }
        }
        return refusing;
    }

    private URI refusing;
}
