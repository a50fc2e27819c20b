package dev.nodemedic.remedy.engine;

import java.util.Optional;

/**
 * One precondition for starting a remedy on a node, able to say why not. The engine asks the gates
 * in a fixed order and reports the first refusal.
 */
interface Gate {
    Optional<Blocked> admit(String zone, Tally tally);
}
