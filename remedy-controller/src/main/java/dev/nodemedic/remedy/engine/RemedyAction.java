package dev.nodemedic.remedy.engine;

import java.util.Objects;
import java.util.OptionalLong;

/** What one rung of the ladder does to a node. */
public sealed interface RemedyAction {
    /** The name used in metrics, Events and status: taint, cordon, drain, requestReboot. */
    String name();

    record Taint(String key, String value, String effect) implements RemedyAction {
        public Taint {
            Objects.requireNonNull(key, "key");
            value = value == null ? "" : value;
            Objects.requireNonNull(effect, "effect");
        }

        @Override
        public String name() {
            return "taint";
        }
    }

    record Cordon() implements RemedyAction {
        @Override
        public String name() {
            return "cordon";
        }
    }

    /** @param gracePeriodSeconds absent: each pod's own terminationGracePeriodSeconds */
    record Drain(OptionalLong gracePeriodSeconds) implements RemedyAction {
        @Override
        public String name() {
            return "drain";
        }
    }

    record RequestReboot() implements RemedyAction {
        @Override
        public String name() {
            return "requestReboot";
        }
    }
}
