package dev.nodemedic.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The agent's {@code /metrics} page, scraped over HTTP as Prometheus scrapes it, for the tests that read series off it. */
final class AgentMetrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AgentMetrics() {
    }

    /** One scrape; its failures are unchecked, so it can be the condition a test waits on. */
    static String scrape(Agent agent) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping /metrics", e);
        }
    }
}
