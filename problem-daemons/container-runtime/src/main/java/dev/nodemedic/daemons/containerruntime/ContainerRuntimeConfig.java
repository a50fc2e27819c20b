package dev.nodemedic.daemons.containerruntime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The container-runtime daemon's config. Every field has a default.
 *
 * @param endpoints        the CRI sockets to try, in order, written as crictl's {@code runtime-endpoint}
 *                         ({@code unix:///run/containerd/containerd.sock}); the first whose socket file exists is asked.
 *                         Default: containerd's, CRI-O's and cri-dockerd's, the ones crictl tries. List one to pin it.
 * @param interval         how often to ask the runtime (default 10s, NPD's container runtime health checker)
 * @param timeout          how long each call (Version, then Status) may take, connecting included (default 5s);
 *                         the two calls together may not exceed the interval
 * @param systemctl        the systemctl that asks the host's systemd for the runtime unit's restart count
 *                         (default {@code /usr/bin/systemctl})
 * @param restartThreshold FrequentContainerdRestart (or CRI-O's, docker's) is True at this many restarts within
 *                         the window (default 5, NPD's {@code --count})
 * @param restartWindow    the recent past restarts are counted over (default 20m, NPD's {@code --lookback})
 * @param restartInterval  how often to read the restart count (default 1m); at most the window
 */
public record ContainerRuntimeConfig(List<URI> endpoints, Duration interval, Duration timeout, Path systemctl,
                                     Integer restartThreshold, Duration restartWindow, Duration restartInterval) {
    /** crictl's default endpoints, in its order (cri-tools, pkg/common: defaultRuntimeEndpoints). */
    static final List<URI> DEFAULT_ENDPOINTS = List.of(URI.create("unix:///run/containerd/containerd.sock"),
            URI.create("unix:///run/crio/crio.sock"), URI.create("unix:///var/run/cri-dockerd.sock"));

    public ContainerRuntimeConfig {
        endpoints = endpoints == null || endpoints.isEmpty() ? DEFAULT_ENDPOINTS : List.copyOf(endpoints);
        interval = interval == null ? Duration.ofSeconds(10) : interval;
        timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        systemctl = systemctl == null ? Path.of("/usr/bin/systemctl") : systemctl;
        restartThreshold = restartThreshold == null ? 5 : restartThreshold;
        restartWindow = restartWindow == null ? Duration.ofMinutes(20) : restartWindow;
        restartInterval = restartInterval == null ? Duration.ofMinutes(1) : restartInterval;

        for (int i = 0; i < endpoints.size(); i++) {
            URI endpoint = endpoints.get(i);
            if (!"unix".equals(endpoint.getScheme())) {
                throw new IllegalArgumentException("endpoints[" + i + "]: \"" + endpoint + "\" is not a unix socket endpoint; write one such as"
                        + " unix:///run/containerd/containerd.sock (the CRI is served on a unix socket; TCP is not supported)");
            }
            if (endpoint.getRawAuthority() != null || endpoint.getPath() == null || !endpoint.getPath().startsWith("/")) {
                throw new IllegalArgumentException("endpoints[" + i + "]: \"" + endpoint + "\" does not name an absolute socket path;"
                        + " write unix:// then the path, as in unix:///run/containerd/containerd.sock");
            }
        }
        positive("interval", interval, "10s");
        positive("timeout", timeout, "5s");
        positive("restartWindow", restartWindow, "20m");
        positive("restartInterval", restartInterval, "1m");
        // Each look makes two calls one after the other on the daemon's scheduler: if both could take
        // longer than the interval, a hung runtime would stretch every interval unnoticed.
        if (timeout.multipliedBy(2).compareTo(interval) > 0) {
            throw new IllegalArgumentException("timeout: " + timeout + " is more than half of interval " + interval
                    + " (a look makes two calls); make it at most " + interval.dividedBy(2));
        }
        if (!systemctl.isAbsolute()) {
            throw new IllegalArgumentException("systemctl: \"" + systemctl + "\" is relative; write an absolute path such as /usr/bin/systemctl");
        }
        if (restartThreshold < 1) {
            throw new IllegalArgumentException("restartThreshold: " + restartThreshold + " must be at least 1");
        }
        // Restarts are seen by comparing the counter between reads, so the window must span at least one.
        if (restartWindow.compareTo(restartInterval) < 0) {
            throw new IllegalArgumentException("restartWindow: " + restartWindow + " is shorter than restartInterval " + restartInterval
                    + "; make it at least restartInterval");
        }
    }

    /** The socket paths of {@link #endpoints()}, in order. */
    List<Path> sockets() {
        List<Path> sockets = new ArrayList<>();
        for (URI endpoint : endpoints) {
            sockets.add(Path.of(endpoint.getPath()));
        }
        return List.copyOf(sockets);
    }

    private static void positive(String field, Duration value, String example) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + ": " + value + " must be positive, such as " + example);
        }
    }
}
