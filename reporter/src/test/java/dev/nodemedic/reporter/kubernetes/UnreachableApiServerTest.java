package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.logging.CapturedLog;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.reporter.RecentEvents;
import dev.nodemedic.reporter.Reporter;
import dev.nodemedic.reporter.prometheus.PrometheusExporter;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class UnreachableApiServerTest {
    @Test
    void anApiServerThatRefusesConnectionsIsOneLogLineAndEndlessBoundedRetries() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ManualClock clock = new ManualClock();
        Vertx vertx = Vertx.vertx();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("nodemedic-kubernetes-", 0).daemon().factory());
        PrometheusExporter prometheus = new PrometheusExporter();
        try (CapturedLog log = new CapturedLog("dev.nodemedic.reporter", "dev.nodemedic.apiserver");
             KubernetesClient client = KubernetesClients.onVertx(vertx, KubernetesClients.tuned(
                     new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closedPort).build(), Duration.ofSeconds(1)));
             KubernetesExporter exporter = new KubernetesExporter(client,
                     KubernetesSettings.defaults("node-a", new BootTime(Instant.EPOCH)).withMaxIdle(Duration.ofMillis(10)),
                     clock, scheduler, prometheus.registry())) {
            Reporter reporter = new Reporter(List.of(exporter, prometheus), new RecentEvents(10));
            reporter.book().declare("kernel-log", List.of(new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "ok")), clock.instant());
            exporter.start(reporter.book());

            Instant deadline = Instant.now().plusSeconds(10);
            while (refusedReads(prometheus) < 5) {
                assertThat(Instant.now()).as("waiting for five refused reads").isBefore(deadline);
                clock.advance(Duration.ofMillis(250));
                Thread.onSpinWait();
            }

            assertThat(log.lines().stream().filter(l -> l.startsWith("WARNING the API server did not answer; get nodes/node-a is retried with backoff up to every 1s")))
                    .hasSize(1);
            assertThat(prometheus.scrape()).doesNotContain("verb=\"patch\"");
        } finally {
            scheduler.shutdownNow();
            vertx.close().await();
        }
    }

    private static double refusedReads(PrometheusExporter prometheus) {
        var counter = prometheus.registry().find("nodemedic.api.requests").tags("code", "none", "verb", "get").counter();
        return counter == null ? 0 : counter.count();
    }
}
