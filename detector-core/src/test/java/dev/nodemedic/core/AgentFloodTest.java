package dev.nodemedic.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.apiserver.serving.ConnectionFlood;
import dev.nodemedic.core.config.AgentConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack on loopback: 20,000 connections that send only {@code GET / HTTP/1.1\r\n}, first to
 * the status server, then to {@code /metrics} (17,000 took a 64 MiB agent down in 6 to 7 s). The agent
 * holds no more than its cap of them and answers a real request right after each flood.
 */
class AgentFloodTest {
    /** The figure. This process holds the flood's connections and the agent's, under one {@code ulimit -n} (20,000 here). */
    static final int CONNECTIONS = 20_000;
    /** The cap (64) plus the connections opened between two looks at which ones the agent closed. */
    static final int MOST_HELD = 64 + 100;
    /** Opening 20,000 connections on loopback takes a few seconds; far less than this. */
    static final Duration FLOOD_BOUND = Duration.ofMinutes(2);
    /** A probe's default timeout is 1 s, ours 5 s. */
    static final Duration ANSWER_BOUND = Duration.ofSeconds(5);

    @TempDir
    Path root;

    private Agent agent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_BOUND).build();

    @BeforeEach
    void start() throws Exception {
        AgentConfig config = new AgentConfig("node-a", Files.createDirectories(root.resolve("plugins")), root, new AgentConfig.StatusConfig("127.0.0.1", 0),
                new AgentConfig.MetricsConfig("127.0.0.1", 0), null, List.of(), null,
                new AgentConfig.ReportConfig(null, root.resolve("report.sock"), null, null, null, null));
        agent = Agent.start(config, "node-a", "test", "local", Clock.systemUTC(), ClusterConnector.none());
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(ANSWER_BOUND).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void floodsOfHalfSentRequestsAreCappedAndTheProbeAndTheScrapeAreStillAnswered() throws Exception {
        ConnectionFlood.Outcome status = ConnectionFlood.run(new InetSocketAddress("127.0.0.1", agent.statusPort()), CONNECTIONS, MOST_HELD, FLOOD_BOUND);
        HttpResponse<String> health = get(agent.statusPort(), "/healthz");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(status.closedByServer()).as("connections the agent closed during the flood").isGreaterThanOrEqualTo(CONNECTIONS - MOST_HELD);

        ConnectionFlood.Outcome metrics = ConnectionFlood.run(new InetSocketAddress("127.0.0.1", agent.metricsPort()), CONNECTIONS, MOST_HELD,
                FLOOD_BOUND);
        HttpResponse<String> scrape = get(agent.metricsPort(), "/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(metrics.closedByServer()).isGreaterThanOrEqualTo(CONNECTIONS - MOST_HELD);
        // What an operator sees: each server made room by closing the oldest idle connections (or, on a
        // slow machine, closed some for a request head that never came).
        // A closing is counted when its close completes, which may trail the client's view by a few: read
        // the counters until they have caught up, within a bound.
        // Every connection the flood saw closed by a server was counted by it.
        String exposition = scrape.body();
        Instant deadline = Instant.now().plus(ANSWER_BOUND);
        while ((closedForRoom(exposition, "status") < status.closedByServer() || closedForRoom(exposition, "metrics") < metrics.closedByServer())
                && Instant.now().isBefore(deadline)) {
            exposition = get(agent.metricsPort(), "/metrics").body();
        }
        assertThat(closedForRoom(exposition, "status")).as("status").isGreaterThanOrEqualTo(status.closedByServer());
        assertThat(closedForRoom(exposition, "metrics")).as("metrics").isGreaterThanOrEqualTo(metrics.closedByServer());
        for (String server : List.of("status", "metrics")) {
            assertThat(counter(exposition, server, "refused")).as(server).isZero();
        }
        assertThat(get(agent.statusPort(), "/conditions").statusCode()).isEqualTo(200);
    }

    private static double closedForRoom(String exposition, String server) {
        return counter(exposition, server, "evicted") + counter(exposition, server, "header_timeout");
    }

    private static double counter(String exposition, String server, String reason) {
        Matcher m = Pattern.compile("^nodemedic_http_connections_closed_total\\{(?=[^}]*reason=\"" + reason + "\")(?=[^}]*server=\"" + server
                + "\")[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        assertThat(m.find()).as("nodemedic_http_connections_closed_total{server=%s,reason=%s} in\n%s", server, reason, exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
