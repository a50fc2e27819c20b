package dev.nodemedic.remedy.engine;

import dev.nodemedic.daemon.api.GoDuration;
import java.util.Optional;

/** stormCooldown: after a storm ends, wait before starting anything new; the next storm may be the same one. */
final class CooldownGate implements Gate {
    @Override
    public Optional<Blocked> admit(String zone, Tally tally) {
        return tally.cooldownUntil
                .filter(until -> until.isAfter(tally.now))
                .map(until -> Blocked.until(Blocker.STORM_COOLDOWN, "a storm (maxUnhealthy exceeded) ended; new remedies wait for stormCooldown "
                        + GoDuration.formatShort(tally.policy.budget().stormCooldown()), until));
    }
}
