package dev.nodemedic.apiserver.serving;

import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What one client connection may cost a server of ours (the agent's status, metrics and report servers,
 * the remedy controller's probe server): how many may be open at once, how long
 * one may take to send a request head, how long one may sit silent, and how big a request head may be.
 * A {@link ConnectionCap} enforces the first two; {@link #options()} carries the rest to Vert.x.
 *
 * @param maxConnections the connections open at once; beyond it the oldest connection with no request in
 *                       progress is closed to make room, or the new one if every one is busy
 * @param headerTimeout  a connection must deliver a whole request head this soon after it is accepted, and
 *                       the next one this soon after its previous request began (a slow-header client
 *                       holds nothing longer)
 * @param idleTimeout    a connection with no byte read or written for this long is closed, whatever its state
 */
public record ConnectionLimits(int maxConnections, Duration headerTimeout, Duration idleTimeout) {
    /**
     * Every server of the agent and the controller's: the status page's readers, the kubelet's probes, a
     * few Prometheus scrapers and the node's sidecars are a handful of clients. 64 connections cost a few
     * hundred KiB of a 64 MiB heap; 10 s for a request head is far more than any client on the node's or
     * the cluster's network needs.
     */
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(64, Duration.ofSeconds(10), Duration.ofSeconds(60));
    /** Our paths and queries are short; Vert.x's default is 4 KiB. */
    static final int MAX_INITIAL_LINE = 1024;
    /** Vert.x's default, stated: a request head is bounded whatever a client sends. */
    static final int MAX_HEADER_SIZE = 8192;

    public ConnectionLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        if (headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("headerTimeout and idleTimeout must be positive, were " + headerTimeout + " and " + idleTimeout);
        }
    }

    /** Options for a server under these limits; the caller adds its address. */
    public HttpServerOptions options() {
        return new HttpServerOptions()
                // With h2c on (Vert.x's default) a connection reaches the connection handler only once a
                // whole request head has come, so half-open connections would never be counted or capped.
                // Nothing of ours speaks HTTP/2 in clear text.
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) idleTimeout.toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE);
    }
}
