package dev.nodemedic.remedy.action;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A taint a policy puts on a node. Two taints are the same taint when key and effect match, as the
 * API server and {@code kubectl taint} see it.
 *
 * @param key    a qualified name such as {@code remedy.nodemedic.dev/unhealthy}
 * @param value  may be empty
 * @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}
 */
public record NodeTaint(String key, Optional<String> value, String effect) {
    public static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    public NodeTaint {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(effect, "effect");
        if (key.isBlank()) {
            throw new IllegalArgumentException("taint key is empty; give a key such as remedy.nodemedic.dev/unhealthy");
        }
        if (!EFFECTS.contains(effect)) {
            throw new IllegalArgumentException("taint effect \"" + effect + "\" is not one of NoSchedule, PreferNoSchedule, NoExecute");
        }
    }

    public static NodeTaint of(String key, String value, String effect) {
        return new NodeTaint(key, Optional.ofNullable(value).filter(v -> !v.isEmpty()), effect);
    }

    /**
     * Reads {@link #toString()}'s form back.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static NodeTaint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("taint \"" + text + "\" has no effect; write key=value:Effect or key:Effect");
        }
        String keyValue = text.substring(0, colon);
        int equals = keyValue.indexOf('=');
        return equals < 0
                ? of(keyValue, null, text.substring(colon + 1))
                : of(keyValue.substring(0, equals), keyValue.substring(equals + 1), text.substring(colon + 1));
    }

    /** True for a taint on the node with this key and effect (the API server's identity of a taint). */
    public boolean sameAs(String otherKey, String otherEffect) {
        return key.equals(otherKey) && effect.equals(otherEffect);
    }

    /** As {@code kubectl taint} writes it: {@code key=value:Effect} or {@code key:Effect}. */
    @Override
    public String toString() {
        return key + value.map(v -> "=" + v).orElse("") + ":" + effect;
    }
}
