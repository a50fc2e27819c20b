package dev.nodemedic.daemons.kubelethealth;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The kubelet-health daemon's config. Every field has a default, chosen to match NPD's kubelet health
 * checker ({@code config/health-checker-kubelet.json} and {@code pkg/healthchecker}).
 *
 * @param healthzUrl        the kubelet's health endpoint (default {@code http://127.0.0.1:10248/healthz},
 *                          the kubelet's {@code --healthz-bind-address}/{@code --healthz-port} defaults and NPD's endpoint)
 * @param timeout           how long one look at healthz may take, connecting included (default 10s, NPD's
 *                          {@code --health-check-timeout})
 * @param interval          how often to look (default 30s)
 * @param failureThreshold  consecutive failed looks before KubeletUnhealthy is True (default 1: NPD's health
 *                          checker reports unhealthy on the first failed look)
 * @param clientCertificate the kubelet's client certificate, such as {@code /var/lib/kubelet/pki/kubelet-client-current.pem}
 *                          (the symlink the kubelet's certificate rotation keeps pointing at the newest pair); absent
 *                          (the default): KubeletCertificateExpiring is not checked. Opt-in because that file holds the
 *                          kubelet's private key too, and whoever can read it can act as the node
 * @param expiryWindow      KubeletCertificateExpiring is True when the certificate expires within this (default 7d)
 * @param kubeletUnit       the kubelet's systemd unit (default {@code kubelet})
 * @param systemctl         the systemctl that asks the host's systemd for the unit's restart count (default {@code /usr/bin/systemctl})
 * @param restartThreshold  FrequentKubeletRestart is True at this many restarts within the window (default 5, NPD's {@code --count})
 * @param restartWindow     the recent past restarts are counted over (default 20m, NPD's {@code --lookback})
 * @param pleg              where the kubelet's log is read for "PLEG is not healthy", and when that is a condition
 * @param repair            the optional restart of an unhealthy kubelet (off by default, as NPD's)
 */
public record KubeletHealthConfig(URI healthzUrl, Duration timeout, Duration interval, Integer failureThreshold,
                                  Optional<Path> clientCertificate, Duration expiryWindow,
                                  String kubeletUnit, Path systemctl, Integer restartThreshold, Duration restartWindow,
                                  PlegConfig pleg, RepairConfig repair) {
    /** A systemd unit name as systemd allows it (systemd.unit(5)); it is passed to systemctl as one argument. */
    private static final Pattern UNIT_NAME = Pattern.compile("[A-Za-z0-9:_.@\\\\-]+");

    public KubeletHealthConfig {
        healthzUrl = healthzUrl == null ? URI.create("http://127.0.0.1:10248/healthz") : healthzUrl;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        interval = interval == null ? Duration.ofSeconds(30) : interval;
        failureThreshold = failureThreshold == null ? 1 : failureThreshold;
        clientCertificate = clientCertificate == null ? Optional.empty() : clientCertificate;
        expiryWindow = expiryWindow == null ? Duration.ofDays(7) : expiryWindow;
        kubeletUnit = kubeletUnit == null ? "kubelet" : kubeletUnit;
        systemctl = systemctl == null ? Path.of("/usr/bin/systemctl") : systemctl;
        restartThreshold = restartThreshold == null ? 5 : restartThreshold;
        restartWindow = restartWindow == null ? Duration.ofMinutes(20) : restartWindow;
        pleg = pleg == null ? new PlegConfig(null, null, null, null, null) : pleg;
        repair = repair == null ? new RepairConfig(null, null, null, null, null) : repair;

        String scheme = healthzUrl.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || healthzUrl.getHost() == null) {
            throw new IllegalArgumentException("healthzUrl: \"" + healthzUrl + "\" is not an http(s) URL with a host; write one such as http://127.0.0.1:10248/healthz");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " must be positive, such as 10s");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " must be positive, such as 30s");
        }
        // Looks are made one after another on the daemon's scheduler: a timeout longer than the
        // interval would let a hung kubelet stretch every interval to the timeout unnoticed.
        if (timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("timeout: " + timeout + " is longer than interval " + interval + "; make it at most the interval");
        }
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: " + failureThreshold + " must be at least 1");
        }
        if (clientCertificate.isPresent() && !clientCertificate.get().isAbsolute()) {
            throw new IllegalArgumentException("clientCertificate: \"" + clientCertificate.get() + "\" is relative; write an absolute path such as /var/lib/kubelet/pki/kubelet-client-current.pem");
        }
        if (expiryWindow.isNegative() || expiryWindow.isZero()) {
            throw new IllegalArgumentException("expiryWindow: " + expiryWindow + " must be positive, such as 168h");
        }
        if (!UNIT_NAME.matcher(kubeletUnit).matches()) {
            throw new IllegalArgumentException("kubeletUnit: \"" + kubeletUnit + "\" is not a systemd unit name, such as kubelet or kubelet.service");
        }
        if (!systemctl.isAbsolute()) {
            throw new IllegalArgumentException("systemctl: \"" + systemctl + "\" is relative; write an absolute path such as /usr/bin/systemctl");
        }
        if (restartThreshold < 1) {
            throw new IllegalArgumentException("restartThreshold: " + restartThreshold + " must be at least 1");
        }
        // Restarts are seen by comparing the counter between looks, so the window must span at least one.
        if (restartWindow.compareTo(interval) < 0) {
            throw new IllegalArgumentException("restartWindow: " + restartWindow + " is shorter than interval " + interval + "; make it at least the interval");
        }
        // Built from the validated unit and systemctl, so a bad one is reported under its own name.
        repair = repair.withDefaultCommand(systemctl, kubeletUnit);
    }
}
