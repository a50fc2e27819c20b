package dev.nodemedic.core;

import dev.nodemedic.core.supervision.DaemonStatus;
import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.reporter.OwnedCondition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** What the config reload tests read of an agent they started: its book, its daemons, its status and metrics servers. */
final class RunningAgent {
    private final Supplier<Agent> agent;
    private final Duration bound;
    private final HttpClient http = HttpClient.newHttpClient();

    /** {@code agent} is asked each time: a test starts its agent after this is made. */
    RunningAgent(Supplier<Agent> agent, Duration bound) {
        this.agent = agent;
        this.bound = bound;
    }

    Optional<OwnedCondition> condition(String type) {
        return agent.get().reporter().book().snapshot().get(type);
    }

    Condition awaitStatus(String type, ConditionStatus status) throws InterruptedException {
        RecordingDaemonContext.awaitTrue(type + " " + status, bound, () -> condition(type).map(c -> c.condition().status() == status).orElse(false));
        return condition(type).orElseThrow().condition();
    }

    Optional<DaemonStatus> daemon(String name) {
        return agent.get().supervisor().statuses().stream().filter(d -> d.instanceName().equals(name)).findFirst();
    }

    /** A page of the status server. */
    String get(String path) throws Exception {
        return body(agent.get().statusPort(), path);
    }

    String metrics() {
        return AgentMetrics.scrape(agent.get());
    }

    void awaitMetrics(String what, Predicate<String> test) throws InterruptedException {
        RecordingDaemonContext.awaitTrue(what, bound, () -> test.test(metrics()));
    }

    /** Waits until the status page {@code /} passes {@code test}: what the page shows is published by the supervision thread. */
    void awaitPage(String what, Predicate<String> test) throws InterruptedException {
        RecordingDaemonContext.awaitTrue(what, bound, () -> {
            try {
                return test.test(get("/"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String body(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
