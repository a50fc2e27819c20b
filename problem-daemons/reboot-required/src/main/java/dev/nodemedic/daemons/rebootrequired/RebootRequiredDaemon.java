package dev.nodemedic.daemons.rebootrequired;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.DaemonContext;
import dev.nodemedic.daemon.api.ProblemDaemon;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.pf4j.Extension;

/**
 * Owns {@code RebootRequired}: True while the marker file exists (Debian and Ubuntu's
 * update-notifier writes {@code /var/run/reboot-required} when an upgraded package needs a reboot),
 * with the packages that asked for it in the message.
 */
@Extension
public final class RebootRequiredDaemon implements ProblemDaemon<RebootRequiredConfig> {
    static final String TYPE = "RebootRequired";
    /** Packages named in the message at most; a kernel upgrade can list dozens. */
    static final int MAX_PACKAGES_NAMED = 10;

    private DaemonContext<RebootRequiredConfig> context;
    private ScheduledFuture<?> checks;

    @Override
    public String name() {
        return "reboot-required";
    }

    @Override
    public Class<RebootRequiredConfig> configType() {
        return RebootRequiredConfig.class;
    }

    @Override
    public List<ConditionDeclaration> conditions(RebootRequiredConfig config) {
        return List.of(new ConditionDeclaration(TYPE, "NoRebootRequired", "no reboot is required"));
    }

    @Override
    public List<ReasonDeclaration> reasons(RebootRequiredConfig config) {
        return List.of(ReasonDeclaration.condition(TYPE, "RebootRequired"));
    }

    @Override
    public void start(DaemonContext<RebootRequiredConfig> context) {
        this.context = context;
        long every = context.config().interval().toMillis();
        checks = context.scheduler().scheduleWithFixedDelay(this::check, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Looks at the marker once and sets the condition; the scheduler calls it, so do tests. */
    void check() {
        RebootRequiredConfig config = context.config();
        if (Files.exists(config.markerFile())) {
            context.setCondition(TYPE, ConditionStatus.TRUE, "RebootRequired", message(config));
        } else {
            context.setCondition(TYPE, ConditionStatus.FALSE, "NoRebootRequired", "no reboot is required");
        }
    }

    private static String message(RebootRequiredConfig config) {
        List<String> packages;
        try {
            packages = Files.readAllLines(config.packagesFile()).stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        } catch (NoSuchFileException e) {
            packages = List.of();
        } catch (IOException e) {
            return "a reboot is required (" + config.markerFile() + " exists; " + config.packagesFile() + " cannot be read: " + e.getMessage() + ")";
        }
        if (packages.isEmpty()) {
            return "a reboot is required (" + config.markerFile() + " exists)";
        }
        String named = String.join(", ", packages.subList(0, Math.min(packages.size(), MAX_PACKAGES_NAMED)));
        String more = packages.size() > MAX_PACKAGES_NAMED ? " and " + (packages.size() - MAX_PACKAGES_NAMED) + " more" : "";
        return "a reboot is required by " + named + more;
    }

    @Override
    public void stop() {
        if (checks != null) {
            checks.cancel(false);
        }
    }
}
