package dev.nodemedic.daemons.containerruntime;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.GoDuration;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemons.containerruntime.RuntimeHealthCheck.Health;
import dev.nodemedic.daemons.containerruntime.RuntimeKind.RestartCondition;
import dev.nodemedic.daemons.systemd.RestartHistory;
import dev.nodemedic.daemons.systemd.UnitRestarts;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.pf4j.Extension;

/**
 * Watches the node's CRI runtime (containerd, CRI-O, cri-dockerd): {@code ContainerRuntimeUnhealthy}
 * (NPD's condition, healthy reason and message, and its {@code ContainerdUnhealthy}/{@code DockerUnhealthy})
 * from the runtime's own Version and Status over its socket, and {@code FrequentContainerdRestart}
 * (NPD's; {@code FrequentCrioRestart}, {@code FrequentDockerRestart} for the others) from systemd's
 * restart counter for the runtime's unit.
 *
 * <p>The gRPC calls go through the agent's one Vertx ({@link DaemonContext#hostService}); this daemon
 * starts no event loop of its own.
 */
@Extension
public final class ContainerRuntimeDaemon implements ProblemDaemon<ContainerRuntimeConfig> {
    static final String UNHEALTHY = "ContainerRuntimeUnhealthy";
    /** NPD's healthy reason and message (config/health-checker-containerd.json, health-checker-docker.json). */
    static final String HEALTHY_REASON = "ContainerRuntimeIsHealthy";
    static final String HEALTHY_MESSAGE = "Container runtime on the node is functioning properly";
    static final String NO_RUNTIME = "NoContainerRuntime";
    static final String NO_ACCESS = "NoContainerRuntimeAccess";
    static final String NOT_CHECKED = "ContainerRuntimeNotChecked";
    static final String RESTARTS_UNKNOWN = "ContainerRuntimeRestartsUnknown";

    private DaemonContext<ContainerRuntimeConfig> context;
    private RuntimeKind kind;
    private CriClient client;
    private RuntimeHealthCheck healthCheck;
    private UnitRestarts unitRestarts;
    private RestartHistory restartHistory;
    private String lastRuntime;
    private boolean answered;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    @Override
    public String name() {
        return "container-runtime";
    }

    @Override
    public Class<ContainerRuntimeConfig> configType() {
        return ContainerRuntimeConfig.class;
    }

    /**
     * ContainerRuntimeUnhealthy, and the restart condition of the runtime whose socket is found now (the
     * first endpoint's when none is: on a host without a runtime, containerd's, NPD's default).
     */
    @Override
    public List<ConditionDeclaration> conditions(ContainerRuntimeConfig config) {
        kind = declaredKind(config);
        List<ConditionDeclaration> conditions = new ArrayList<>();
        conditions.add(new ConditionDeclaration(UNHEALTHY, HEALTHY_REASON, HEALTHY_MESSAGE));
        kind.restarts().ifPresent(r -> conditions.add(new ConditionDeclaration(r.type(), r.healthyReason(), r.healthyMessage())));
        return List.copyOf(conditions);
    }

    /**
     * ContainerRuntimeUnhealthy's reason for each configured socket's runtime (whichever answers), and
     * the declared restart condition's.
     */
    @Override
    public List<ReasonDeclaration> reasons(ContainerRuntimeConfig config) {
        RuntimeKind declared = kind != null ? kind : declaredKind(config);
        List<ReasonDeclaration> reasons = new ArrayList<>();
        config.sockets().stream().map(RuntimeKind::of).distinct().forEach(k -> reasons.add(ReasonDeclaration.condition(UNHEALTHY, k.unhealthyReason())));
        declared.restarts().ifPresent(r -> reasons.add(ReasonDeclaration.condition(r.type(), r.type())));
        return List.copyOf(reasons);
    }

    private static RuntimeKind declaredKind(ContainerRuntimeConfig config) {
        List<Path> sockets = config.sockets();
        return RuntimeKind.of(RuntimeHealthCheck.firstExisting(sockets).orElse(sockets.getFirst()));
    }

    @Override
    public void start(DaemonContext<ContainerRuntimeConfig> context) {
        open(context);
        ContainerRuntimeConfig config = context.config();
        if (healthCheck != null) {
            tasks.add(context.scheduler().scheduleWithFixedDelay(this::checkHealthNow, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS));
        }
        if (unitRestarts != null) {
            tasks.add(context.scheduler().scheduleWithFixedDelay(this::checkRestartsNow, 0, config.restartInterval().toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** Everything {@link #start} does but scheduling; tests call {@link #checkHealth} and {@link #checkRestarts} themselves. */
    void open(DaemonContext<ContainerRuntimeConfig> context) {
        this.context = context;
        ContainerRuntimeConfig config = context.config();
        if (kind == null) {
            kind = declaredKind(config);
        }
        Optional<Vertx> vertx = context.hostService(Vertx.class);
        if (vertx.isPresent()) {
            client = new CriClient(vertx.get(), config.timeout());
            healthCheck = new RuntimeHealthCheck(client, config.sockets(), config.timeout());
        } else {
            String why = "this agent shares no Vert.x instance with its plugins (DaemonContext.hostService(Vertx.class) is empty), and the CRI is"
                    + " asked through it; the container runtime is not checked. Run this plugin in an agent with daemon-api 1.2.0 or newer";
            context.logger().log(Level.WARNING, "container runtime not checked instance={0}: no Vertx from the agent", context.instanceName());
            context.setCondition(UNHEALTHY, ConditionStatus.UNKNOWN, NOT_CHECKED, why);
        }
        kind.restarts().ifPresent(restarts -> {
            unitRestarts = new UnitRestarts(config.systemctl(), restarts.unit(), config.timeout());
            restartHistory = new RestartHistory(config.restartWindow());
        });
        context.logger().log(Level.INFO, "container-runtime watching instance={0} sockets={1} every={2} timeout={3} unit={4}",
                context.instanceName(), config.sockets(), GoDuration.formatShort(config.interval()), GoDuration.formatShort(config.timeout()),
                kind.restarts().map(RestartCondition::unit).orElse("none"));
    }

    private void checkHealthNow() {
        try {
            checkHealth();
        } catch (InterruptedException e) {
            // Only stop() interrupts the scheduler's thread; end the look quietly.
            Thread.currentThread().interrupt();
        }
    }

    private void checkRestartsNow() {
        try {
            checkRestarts(context.clock().instant());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the runtime once and sets ContainerRuntimeUnhealthy. */
    Health checkHealth() throws InterruptedException {
        Health health = healthCheck.look();
        switch (health) {
            case Health.Healthy healthy -> {
                answered = true;
                if (!healthy.runtime().equals(lastRuntime)) {
                    lastRuntime = healthy.runtime();
                    context.logger().log(Level.INFO, "container runtime answered instance={0} runtime=\"{1}\" socket={2}",
                            context.instanceName(), healthy.runtime(), healthy.socket());
                }
                context.setCondition(UNHEALTHY, ConditionStatus.FALSE, HEALTHY_REASON, HEALTHY_MESSAGE);
            }
            case Health.Unhealthy unhealthy -> context.setCondition(UNHEALTHY, ConditionStatus.TRUE, unhealthy.kind().unhealthyReason(), unhealthy.why());
            // After the runtime has answered this instance, its socket going away is the runtime going away
            // (a stopping containerd removes it). Before, it is a host without one (local mode) or a pod
            // without the socket mounted: not a runtime failing.
            case Health.NoSocket none when answered -> context.setCondition(UNHEALTHY, ConditionStatus.TRUE, kind.unhealthyReason(),
                    "the container runtime's socket is gone: none of " + list(none.looked()) + " exists");
            case Health.NoSocket none -> context.setCondition(UNHEALTHY, ConditionStatus.UNKNOWN, NO_RUNTIME,
                    "no container runtime socket at " + list(none.looked())
                            + "; a host without a container runtime has none, in a pod mount the runtime's socket directory");
            case Health.NoAccess noAccess -> context.setCondition(UNHEALTHY, ConditionStatus.UNKNOWN, NO_ACCESS, noAccess.why());
        }
        return health;
    }

    /** Reads the runtime unit's restart counter once and sets the restart condition. */
    UnitRestarts.Reading checkRestarts(Instant now) throws InterruptedException {
        RestartCondition condition = kind.restarts().orElseThrow(() -> new IllegalStateException(kind.displayName() + " has no unit whose restarts are counted"));
        ContainerRuntimeConfig config = context.config();
        UnitRestarts.Reading reading = unitRestarts.read();
        switch (reading) {
            case UnitRestarts.Reading.Count count -> {
                long recent = restartHistory.observe(now, count.restarts());
                if (recent >= config.restartThreshold()) {
                    context.setCondition(condition.type(), ConditionStatus.TRUE, condition.type(), "systemd restarted " + condition.unit() + " " + recent
                            + " times within " + GoDuration.formatShort(config.restartWindow()) + " (threshold " + config.restartThreshold() + ")");
                } else {
                    context.setCondition(condition.type(), ConditionStatus.FALSE, condition.healthyReason(), condition.healthyMessage());
                }
            }
            case UnitRestarts.Reading.Unavailable unavailable -> context.setCondition(condition.type(), ConditionStatus.UNKNOWN, RESTARTS_UNKNOWN,
                    condition.unit() + " restarts cannot be counted: " + unavailable.why());
        }
        return reading;
    }

    private static String list(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    @Override
    public void stop() {
        tasks.forEach(task -> task.cancel(true));
        if (client != null) {
            client.close();
        }
    }
}
