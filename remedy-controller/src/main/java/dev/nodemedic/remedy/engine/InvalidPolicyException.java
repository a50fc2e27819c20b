package dev.nodemedic.remedy.engine;

/** A policy the controller will not act on; the message names the policy, the field and the fix. */
public final class InvalidPolicyException extends RuntimeException {
    public InvalidPolicyException(String message) {
        super(message);
    }
}
