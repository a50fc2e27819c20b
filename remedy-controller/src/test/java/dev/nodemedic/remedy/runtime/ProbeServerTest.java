package dev.nodemedic.remedy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Vertx vertx;
    private volatile Probes.Verdict health = Probes.Verdict.ok("ok: leading");
    private volatile Probes.Verdict readiness = Probes.Verdict.failing("leading, still listing nodes");
    private ProbeServer server;

    /** A hand-written probe source: the test sets what the runtime would say. */
    private final Probes probes = new Probes() {
        @Override
        public Verdict health() {
            return health;
        }

        @Override
        public Verdict readiness() {
            return readiness;
        }
    };

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = new ProbeServer("127.0.0.1", 0, probes, registry);
        vertx.deployVerticle(server).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndReadinessAnswer200Or503WithTheReason() throws Exception {
        assertThat(get("/healthz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok: leading\n");
        });
        assertThat(get("/readyz")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("leading, still listing nodes\n");
        });

        health = Probes.Verdict.failing("informers have not been watching for 75s");
        readiness = Probes.Verdict.ok("ready: leading");

        assertThat(get("/healthz").statusCode()).isEqualTo(503);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsServeTheSharedRegistryInPrometheusText() throws Exception {
        Counter.builder("nodemedic_remedy_actions_total").tags("policy", "p", "action", "cordon", "result", "applied").register(registry).increment();

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains(ProbeServer.PROMETHEUS_TEXT);
        assertThat(response.body()).contains("nodemedic_remedy_actions_total{action=\"cordon\",policy=\"p\",result=\"applied\"} 1.0");
    }

    @Test
    void anUnknownPathIs404AndAWriteIs405() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void aTakenPortFailsTheStart() {
        ProbeServer second = new ProbeServer("127.0.0.1", server.actualPort(), probes, registry);

        assertThatThrownBy(() -> vertx.deployVerticle(second).await(10, TimeUnit.SECONDS)).hasMessageContaining("Address already in use");
    }
}
