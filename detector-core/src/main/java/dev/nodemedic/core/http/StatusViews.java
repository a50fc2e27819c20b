package dev.nodemedic.core.http;

import dev.nodemedic.reporter.BookSnapshot;
import dev.nodemedic.reporter.OwnedCondition;
import java.util.List;

/** The JSON shapes of the status server: records mapped at the edge, never the domain types themselves. */
final class StatusViews {
    private StatusViews() {
    }

    record ConditionView(String type, String status, String reason, String message, String lastTransitionTime, String daemon) {
        static ConditionView of(OwnedCondition owned) {
            var c = owned.condition();
            return new ConditionView(c.type(), c.status().apiValue(), c.reason(), c.message(), c.lastTransitionTime().toString(), owned.owner());
        }
    }

    record ConditionsView(String node, List<ConditionView> conditions) {
        static ConditionsView of(String node, BookSnapshot snapshot) {
            return new ConditionsView(node, snapshot.all().stream().map(ConditionView::of).toList());
        }
    }
}
