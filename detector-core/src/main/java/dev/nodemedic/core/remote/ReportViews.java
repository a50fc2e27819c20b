package dev.nodemedic.core.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nodemedic.core.supervision.DaemonState;
import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.reporter.BookSnapshot;
import java.util.List;

/** The JSON shapes of the report API (docs/report-api.yaml): records mapped at the edge. */
final class ReportViews {
    private ReportViews() {
    }

    record ConditionView(String type, String status, String reason, String message, String lastTransitionTime) {
        static ConditionView of(Condition c) {
            return new ConditionView(c.type(), c.status().apiValue(), c.reason(), c.message(), c.lastTransitionTime().toString());
        }
    }

    /** @param state {@code Running}, or {@code LeaseExpired} while its conditions are Unknown */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DaemonView(String name, String version, String state, long leaseSeconds, String expiresAt, int restarts, String lastError,
            List<ConditionView> conditions) {
        static DaemonView of(RemoteDaemons.RemoteStatus status, BookSnapshot book) {
            Registration r = status.registration();
            List<ConditionView> conditions = r.conditions().stream().map(ConditionDeclaration::type)
                    .flatMap(type -> book.get(type).stream()).map(owned -> ConditionView.of(owned.condition())).toList();
            return new DaemonView(r.name(), r.version(), status.state() == DaemonState.RUNNING ? "Running" : "LeaseExpired", r.lease().toSeconds(),
                    status.expiresAt().toString(), status.restarts(), status.lastError().orElse(null), conditions);
        }
    }

    record DaemonsView(List<DaemonView> daemons) {
    }

    record EventView(String source, String type, String reason, String message, String timestamp) {
        static EventView of(Event e) {
            return new EventView(e.source(), e.severity().eventType(), e.reason(), e.message(), e.timestamp().toString());
        }
    }

    /**
     * @param reason  Kubernetes' StatusReason words: Invalid, NotFound, Conflict, Expired, TooManyRequests, …
     * @param field   the field at fault ({@code conditions[0].type}), when one is
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorView(int code, String reason, String field, String message) {
    }
}
