package dev.nodemedic.apiserver.events;

import dev.nodemedic.apiserver.Caller;
import java.util.Objects;

/**
 * Who writes the Events, as the API object says it ({@code source.host}, {@code reportingInstance}).
 * The node agent runs on the node its Events are about, as NPD does; the remedy controller runs in the
 * control plane and names its pod.
 */
public sealed interface EventReporter {
    /** Whose RBAC and configuration a failed write's log line points at. */
    Caller caller();

    /** The node agent: host and reporting instance are the node itself. */
    record OnTheNode() implements EventReporter {
        @Override
        public Caller caller() {
            return Caller.AGENT;
        }
    }

    /**
     * A controller: no host.
     *
     * @param instance its identity ({@code POD_NAME}), the Events' {@code reportingInstance}
     */
    record Controller(String instance) implements EventReporter {
        public Controller {
            Objects.requireNonNull(instance, "instance");
        }

        @Override
        public Caller caller() {
            return Caller.CONTROLLER;
        }
    }
}
