package dev.nodemedic.daemons.customplugin;

import java.util.List;

/** What one run of a check script said, in NPD's protocol: exit 0 healthy, 1 a problem, anything else unknown. */
sealed interface CheckOutcome {
    /** Exit status 0; {@code output} is its trimmed stdout. */
    record Healthy(String output) implements CheckOutcome {
    }

    /** Exit status 1; {@code output} is its trimmed stdout, the condition's or Event's message. */
    record Problem(String output) implements CheckOutcome {
    }

    /**
     * No answer: the script said so (another exit status), or it could not be run or did not finish.
     *
     * @param reason UpperCamelCase, such as {@code CheckTimedOut}
     * @param why    a sentence for the operator naming the script and what to do
     */
    record Unknown(String reason, String why) implements CheckOutcome {
        /**
         * Every reason of an Unknown: a temporary rule's Unknown becomes an Event with it, so the daemon
         * declares them all for NPD's series, and a reason missing here would go undeclared.
         */
        static final List<String> REASONS = List.of("CheckNotFound", "CheckNotExecutable", "CheckFailedToStart", "CheckTimedOut",
                "CheckOutputUnreadable", "CheckKilledBySignal", "CheckUnknown");

        public Unknown {
            if (!REASONS.contains(reason)) {
                throw new IllegalArgumentException("reason " + reason + " is not one of " + REASONS + "; add it there so the daemon declares it");
            }
        }
    }
}
