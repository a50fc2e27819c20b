package dev.nodemedic.daemons.kubelethealth;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemons.kubelethealth.ClientCertificate.Reading;
import dev.nodemedic.daemons.kubelethealth.HealthzProbe.Answer;
import dev.nodemedic.daemons.systemd.RestartHistory;
import dev.nodemedic.daemons.systemd.UnitRestarts;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.pf4j.Extension;

/**
 * Watches the kubelet from the node: {@code KubeletUnhealthy} (NPD's condition, reasons and healthy
 * message) from its {@code /healthz}; {@code KubeletCertificateExpiring} from its client certificate,
 * which, once expired, leaves the kubelet unable to reach the API server; and
 * {@code FrequentKubeletRestart} (NPD's) from systemd's restart counter for its unit; {@code PLEGUnhealthy}
 * from "PLEG is not healthy" in its log. Optionally, as NPD's health checker, it restarts a kubelet that
 * stays unhealthy.
 */
@Extension
public final class KubeletHealthDaemon implements ProblemDaemon<KubeletHealthConfig> {
    static final String UNHEALTHY = "KubeletUnhealthy";
    static final String EXPIRING = "KubeletCertificateExpiring";
    /** NPD's healthy reason and message for KubeletUnhealthy (config/health-checker-kubelet.json). */
    static final String HEALTHY_REASON = "KubeletIsHealthy";
    static final String HEALTHY_MESSAGE = "kubelet on the node is functioning properly";
    static final String CERTIFICATE_VALID = "KubeletCertificateValid";
    static final String RESTARTS = "FrequentKubeletRestart";
    /** NPD's healthy reason and message for FrequentKubeletRestart (config/systemd-monitor-counter.json). */
    static final String NO_RESTARTS_REASON = "NoFrequentKubeletRestart";
    static final String NO_RESTARTS_MESSAGE = "kubelet is functioning properly";

    /** The first retry of a failed log file; doubling from there (the agent's journal reader retries the journal itself). */
    static final Duration LOG_FIRST_BACKOFF = Duration.ofSeconds(1);
    /**
     * Well inside PLEG's quiet period: a file followed again starts at its end, so the lines of a retry's gap
     * are lost, and a gap shorter than the quiet period cannot make a PLEG episode look over.
     */
    static final Duration LOG_MAX_BACKOFF = Duration.ofMinutes(1);
    /** The backstop for file systems whose changes the watch service does not report. */
    static final Duration LOG_FILE_POLL = Duration.ofSeconds(1);
    /** How long stop() waits for the log follower to end. */
    static final Duration LOG_STOP_WAIT = Duration.ofSeconds(3);

    private DaemonContext<KubeletHealthConfig> context;
    private HealthzProbe probe;
    /** Absent unless the config names the certificate: the check is opt-in (see KubeletHealthConfig). */
    private Optional<ClientCertificate> certificate = Optional.empty();
    private UnitRestarts unitRestarts;
    private RestartHistory restartHistory;
    private int consecutiveFailures;
    private boolean answered;
    private ScheduledFuture<?> checks;
    private PlegWatch plegWatch;
    private KubeletLogFollower kubeletLog;
    private Optional<KubeletRepair> repair = Optional.empty();
    /** When KubeletUnhealthy last became True; absent while it is not True. */
    private Optional<Instant> unhealthySince = Optional.empty();
    private String lastFailure = "";

    /** What one look found, for tests and logs; no certificate reading while that check is off. */
    record Look(Answer health, Optional<Reading> certificate, UnitRestarts.Reading restarts) {
    }

    @Override
    public String name() {
        return "kubelet-health";
    }

    @Override
    public Class<KubeletHealthConfig> configType() {
        return KubeletHealthConfig.class;
    }

    /**
     * KubeletCertificateExpiring only when the certificate check is on: a check that is off has no condition on the
     * node, rather than one that stays Unknown for ever or claims a certificate nobody read is valid.
     */
    @Override
    public List<ConditionDeclaration> conditions(KubeletHealthConfig config) {
        List<ConditionDeclaration> conditions = new ArrayList<>(List.of(new ConditionDeclaration(UNHEALTHY, HEALTHY_REASON, HEALTHY_MESSAGE)));
        if (config.clientCertificate().isPresent()) {
            conditions.add(new ConditionDeclaration(EXPIRING, CERTIFICATE_VALID, "kubelet client certificate is not about to expire"));
        }
        conditions.add(new ConditionDeclaration(RESTARTS, NO_RESTARTS_REASON, NO_RESTARTS_MESSAGE));
        conditions.add(new ConditionDeclaration(PlegWatch.TYPE, PlegWatch.HEALTHY_REASON, PlegWatch.HEALTHY_MESSAGE));
        return List.copyOf(conditions);
    }

    /** Each stalled-PLEG line is an Event as well as the condition's reason; the repair's Events only when it is on. */
    @Override
    public List<ReasonDeclaration> reasons(KubeletHealthConfig config) {
        List<ReasonDeclaration> reasons = new ArrayList<>(List.of(ReasonDeclaration.condition(UNHEALTHY, "KubeletUnhealthy"),
                ReasonDeclaration.condition(RESTARTS, "FrequentKubeletRestart"), ReasonDeclaration.condition(PlegWatch.TYPE, PlegWatch.REASON),
                ReasonDeclaration.event(PlegWatch.REASON)));
        if (config.clientCertificate().isPresent()) {
            reasons.add(ReasonDeclaration.condition(EXPIRING, "KubeletCertificateExpired"));
            reasons.add(ReasonDeclaration.condition(EXPIRING, "KubeletCertificateExpiring"));
        }
        if (config.repair().enableRepair()) {
            reasons.add(ReasonDeclaration.event(KubeletRepair.RESTARTED));
            reasons.add(ReasonDeclaration.event(KubeletRepair.FAILED));
            reasons.add(ReasonDeclaration.event(KubeletRepair.LIMIT_REACHED));
        }
        return List.copyOf(reasons);
    }

    @Override
    public void start(DaemonContext<KubeletHealthConfig> context) {
        open(context);
        followKubeletLog();
        long every = context.config().interval().toMillis();
        checks = context.scheduler().scheduleWithFixedDelay(this::checkNow, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Everything {@link #start} does but following the log and scheduling; tests call {@link #check} with the time they set. */
    void open(DaemonContext<KubeletHealthConfig> context) {
        this.context = context;
        KubeletHealthConfig config = context.config();
        this.probe = new HealthzProbe(config.healthzUrl(), config.timeout());
        this.certificate = config.clientCertificate().map(ClientCertificate::new);
        this.unitRestarts = new UnitRestarts(config.systemctl(), config.kubeletUnit(), config.timeout());
        this.restartHistory = new RestartHistory(config.restartWindow());
        KubeletLogSource source = config.pleg().logFile().<KubeletLogSource>map(file -> new KubeletLogFile(file, LOG_FILE_POLL, context.clock(), context.logger()))
                .orElseGet(() -> new KubeletJournal(context.journal(), config.kubeletUnit(), config.pleg().journalDirectory()));
        config.pleg().journalctl().ifPresent(ignored -> context.logger().log(Level.WARNING,
                "pleg.journalctl is ignored: the agent's journal reader, shared by every daemon, runs the journalctl on its PATH instance={0} journalctl={1}",
                context.instanceName(), ignored));
        this.plegWatch = new PlegWatch(context, config.pleg(), config.kubeletUnit(), source.kind());
        this.kubeletLog = new KubeletLogFollower(source, plegWatch, LOG_FIRST_BACKOFF, LOG_MAX_BACKOFF, context.logger());
        if (config.repair().enableRepair()) {
            this.repair = Optional.of(new KubeletRepair(context, config.repair(), config.systemctl(), config.kubeletUnit()));
        }
        context.logger().log(Level.INFO, "kubelet-health watching instance={0} healthz={1} certificate={2} every={3} log=\"{4}\" repair={5}",
                context.instanceName(), config.healthzUrl(), config.clientCertificate().map(Path::toString).orElse("\"off (clientCertificate not set)\""),
                config.interval(), source.describe(),
                config.repair().enableRepair() ? "\"" + HostCommand.text(config.repair().command()) + "\"" : "off");
    }

    /** Starts following the kubelet's log on a thread of the context; {@link #start} does, tests call it after {@link #open}. */
    void followKubeletLog() {
        kubeletLog.start(context.threads());
    }

    /** Re-evaluates PLEG at {@code now} without a look at the kubelet; {@link #check} does it too. */
    void tickPleg(Instant now) {
        plegWatch.tick(now);
    }

    private void checkNow() {
        try {
            check(context.clock().instant());
        } catch (InterruptedException e) {
            // Only stop() interrupts the scheduler's thread; end the look quietly.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Looks at healthz (and repairs the kubelet, if enabled), the certificate and the unit's restart count once, sets
     * their conditions and re-evaluates PLEG. The scheduler calls it; tests call it with the time they set.
     */
    Look check(Instant now) throws InterruptedException {
        Answer health = probe.look();
        reportHealth(health, now);
        if (repair.isPresent()) {
            repair.get().consider(now, unhealthySince, lastFailure);
        }
        plegWatch.tick(now);
        Optional<Reading> reading = certificate.map(ClientCertificate::read);
        reading.ifPresent(read -> reportCertificate(read, now));
        UnitRestarts.Reading restarts = unitRestarts.read();
        reportRestarts(restarts, now);
        return new Look(health, reading, restarts);
    }

    private void reportRestarts(UnitRestarts.Reading reading, Instant now) {
        KubeletHealthConfig config = context.config();
        switch (reading) {
            case UnitRestarts.Reading.Count count -> {
                long recent = restartHistory.observe(now, count.restarts());
                if (recent >= config.restartThreshold()) {
                    context.setCondition(RESTARTS, ConditionStatus.TRUE, "FrequentKubeletRestart", "systemd restarted " + config.kubeletUnit()
                            + " " + recent + " times within " + GoDuration.formatShort(config.restartWindow()) + " (threshold " + config.restartThreshold() + ")");
                } else {
                    context.setCondition(RESTARTS, ConditionStatus.FALSE, NO_RESTARTS_REASON, NO_RESTARTS_MESSAGE);
                }
            }
            case UnitRestarts.Reading.Unavailable unavailable -> context.setCondition(RESTARTS, ConditionStatus.UNKNOWN,
                    "KubeletRestartsUnknown", "kubelet restarts cannot be counted: " + unavailable.why());
        }
    }

    private void reportHealth(Answer answer, Instant now) {
        switch (answer) {
            case Answer.Healthy healthy -> {
                answered = true;
                consecutiveFailures = 0;
                unhealthySince = Optional.empty();
                context.setCondition(UNHEALTHY, ConditionStatus.FALSE, HEALTHY_REASON, HEALTHY_MESSAGE);
            }
            // Refused before the kubelet ever answered this instance: a host without a kubelet (local
            // mode) or a node whose kubelet has not started yet. Neither is a kubelet failing.
            case Answer.NotListening notListening when !answered -> {
                unhealthySince = Optional.empty();
                context.setCondition(UNHEALTHY, ConditionStatus.UNKNOWN, "NoKubelet", notListening.why());
            }
            case Answer.NotListening notListening -> failed(notListening.why(), now);
            case Answer.Failed failed -> failed(failed.why(), now);
        }
    }

    /** Until the threshold is reached the condition keeps what it said, so one slow answer does not flap it. */
    private void failed(String why, Instant now) {
        consecutiveFailures++;
        lastFailure = why;
        int threshold = context.config().failureThreshold();
        if (consecutiveFailures >= threshold) {
            // The count in the message is the threshold, not the running count: a message that changed
            // on every look would be a write to the node every interval.
            String suffix = threshold > 1 ? " (failed " + threshold + " looks in a row)" : "";
            context.setCondition(UNHEALTHY, ConditionStatus.TRUE, "KubeletUnhealthy", why + suffix);
            if (unhealthySince.isEmpty()) {
                unhealthySince = Optional.of(now);
            }
        }
    }

    private void reportCertificate(Reading reading, Instant now) {
        Duration window = context.config().expiryWindow();
        String file = context.config().clientCertificate().orElseThrow().toString();
        switch (reading) {
            case Reading.Valid valid when !valid.notAfter().isAfter(now) -> context.setCondition(EXPIRING, ConditionStatus.TRUE, "KubeletCertificateExpired",
                    "kubelet client certificate " + file + " (" + valid.subject() + ") expired at " + instant(valid.notAfter())
                            + "; the kubelet cannot authenticate to the API server until it has a new one");
            case Reading.Valid valid when !valid.notAfter().isAfter(now.plus(window)) -> context.setCondition(EXPIRING, ConditionStatus.TRUE, "KubeletCertificateExpiring",
                    "kubelet client certificate " + file + " (" + valid.subject() + ") expires at " + instant(valid.notAfter())
                            + ", within " + GoDuration.formatShort(window) + "; the kubelet normally rotates it well before, so rotation may be failing");
            case Reading.Valid valid -> context.setCondition(EXPIRING, ConditionStatus.FALSE, CERTIFICATE_VALID,
                    "kubelet client certificate expires at " + instant(valid.notAfter()) + ", more than " + GoDuration.formatShort(window) + " away");
            case Reading.Missing missing -> context.setCondition(EXPIRING, ConditionStatus.UNKNOWN, "KubeletCertificateNotFound",
                    "kubelet client certificate " + missing.why() + "; a host without a kubelet has none; in a pod, mount the kubelet's pki directory read-only (deploy: the kubelet-certificate component, or Helm's detector.kubeletCertificate.enabled)");
            case Reading.Unreadable unreadable -> context.setCondition(EXPIRING, ConditionStatus.UNKNOWN, "KubeletCertificateUnreadable",
                    "kubelet client certificate " + unreadable.why());
        }
    }

    private static String instant(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public void stop() {
        if (checks != null) {
            checks.cancel(true);
        }
        if (kubeletLog != null) {
            kubeletLog.stop();
            // The follower's thread ends once its source is closed: wait for that, within the core's bound on stop().
            try {
                if (!kubeletLog.awaitEnd(LOG_STOP_WAIT)) {
                    context.logger().log(Level.WARNING, "kubelet log follower did not end within {0}", GoDuration.formatShort(LOG_STOP_WAIT));
                }
            } catch (InterruptedException e) {
                // The core gave up waiting for stop(); the follower ends on its own, its source already closed.
                Thread.currentThread().interrupt();
            }
        }
        if (probe != null) {
            probe.close();
        }
    }
}
