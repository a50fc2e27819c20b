package dev.nodemedic.core.remote;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.reporter.ConditionBook;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A remote daemon's registration, validated: the same name rules as a daemon instance in the agent
 * config, condition declarations checked as a plugin's are, and a lease within bounds.
 *
 * @param name       unique on the node among plugin instances and remote daemons
 * @param version    the detector's own version, shown on the status page; empty when not given
 * @param conditions the types it owns with their healthy defaults
 * @param reasons    what it can report, for NPD's series at 0 from registration (as a plugin's {@code reasons()})
 * @param lease      how long it stays alive without a report or renewal
 */
public record Registration(String name, String version, List<ConditionDeclaration> conditions, List<ReasonDeclaration> reasons, Duration lease) {
    /** A DNS label, as instance names in the agent config: it becomes a metric label and an event source. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Duration MIN_LEASE = Duration.ofSeconds(5);
    static final Duration MAX_LEASE = Duration.ofMinutes(10);
    static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** Reasons one daemon declares: each is a {@code problem_counter} series (and a {@code problem_gauge} one for a condition's). */
    static final int MAX_REASONS = 128;
    private static final Set<String> FIELDS = Set.of("conditions", "reasons", "leaseSeconds", "version");
    private static final Set<String> CONDITION_FIELDS = Set.of("type", "reason", "message");
    private static final Set<String> REASON_FIELDS = Set.of("reason", "condition");

    public Registration {
        conditions = List.copyOf(conditions);
        reasons = List.copyOf(reasons);
    }

    static String requireName(String name) throws RequestRefused {
        if (name == null || !NAME.matcher(name).matches()) {
            throw RequestRefused.invalid("name", "\"" + name + "\" must be 1 to 63 lower-case letters, digits and '-', starting and ending with a"
                    + " letter or digit (such as gpu-health)");
        }
        return name;
    }

    static Registration from(String name, String body) throws RequestRefused {
        requireName(name);
        BodyFields fields = BodyFields.parse(body, FIELDS);
        String version = fields.optionalString("version", "a version string such as 1.4.0").orElse("");
        if (version.length() > 64 || version.chars().anyMatch(Character::isISOControl)) {
            throw RequestRefused.invalid(fields.field("version"), "expected at most 64 printable characters, such as 1.4.0");
        }
        OptionalInt seconds = fields.optionalInt("leaseSeconds", "whole seconds from " + MIN_LEASE.toSeconds() + " to " + MAX_LEASE.toSeconds());
        Duration lease = seconds.isPresent() ? Duration.ofSeconds(seconds.getAsInt()) : DEFAULT_LEASE;
        if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(MAX_LEASE) > 0) {
            throw RequestRefused.invalid(fields.field("leaseSeconds"), seconds.getAsInt() + " is out of range; expected whole seconds from "
                    + MIN_LEASE.toSeconds() + " to " + MAX_LEASE.toSeconds() + " (default " + DEFAULT_LEASE.toSeconds() + ")");
        }
        List<ConditionDeclaration> conditions = new ArrayList<>();
        Set<String> types = new HashSet<>();
        List<BodyFields> entries = fields.objects("conditions", CONDITION_FIELDS,
                "condition declarations such as {\"type\":\"GpuFailure\",\"reason\":\"GpuIsHealthy\",\"message\":\"all GPUs respond\"}");
        if (entries.size() > ConditionBook.MAX_TYPES_PER_DAEMON) {
            throw RequestRefused.invalid(fields.field("conditions"), entries.size() + " condition types, at most " + ConditionBook.MAX_TYPES_PER_DAEMON
                    + " are allowed per daemon (and " + ConditionBook.MAX_TYPES_PER_NODE + " per node, of all daemons together); declare fewer,"
                    + " or split the detector into several daemons");
        }
        for (BodyFields entry : entries) {
            String type = ConditionNames.requireType(entry.field("type"), entry.requiredString("type", "a condition type such as GpuFailure"));
            String reason = ConditionNames.requireReason(entry.field("reason"), entry.requiredString("reason", "the healthy reason such as GpuIsHealthy"));
            String message = entry.optionalString("message", "the healthy message, a sentence").orElse("");
            int bytes = message.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > Condition.MAX_MESSAGE_BYTES) {
                // A report's message is cut to fit; a declaration's is refused, so what was declared is what shows.
                throw RequestRefused.invalid(entry.field("message"), "is " + bytes + " bytes in UTF-8, at most " + Condition.MAX_MESSAGE_BYTES
                        + " are allowed; shorten it");
            }
            try {
                conditions.add(new ConditionDeclaration(type, reason, message));
            } catch (IllegalArgumentException e) {
                throw RequestRefused.invalid(entry.field(e.getMessage().startsWith("reason") ? "reason" : "type"), e.getMessage());
            }
            if (!types.add(type)) {
                throw RequestRefused.invalid(entry.field("type"), type + " is declared twice; declare each condition type once");
            }
        }
        List<ReasonDeclaration> reasons = new ArrayList<>();
        List<BodyFields> reasonEntries = fields.objects("reasons", REASON_FIELDS,
                "what the daemon can report, such as {\"reason\":\"XidError\"} for its events or {\"reason\":\"GpuFellOff\",\"condition\":\"GpuFailure\"}"
                        + " for a condition's reason while True");
        if (reasonEntries.size() > MAX_REASONS) {
            throw RequestRefused.invalid(fields.field("reasons"), reasonEntries.size() + " reasons, at most " + MAX_REASONS
                    + " are allowed per daemon (each is a metric series); declare the ones alerts watch");
        }
        for (BodyFields entry : reasonEntries) {
            String reason = ConditionNames.requireReason(entry.field("reason"), entry.requiredString("reason", "a reason such as XidError"));
            Optional<String> condition = entry.optionalString("condition", "one of the condition types declared in conditions");
            if (condition.isPresent() && !types.contains(condition.get())) {
                throw RequestRefused.invalid(entry.field("condition"), ConditionNames.visible(condition.get()) + " is not declared in conditions (declared: " + types.stream().sorted().toList()
                        + "); a reason's condition is one of this daemon's own");
            }
            try {
                reasons.add(new ReasonDeclaration(reason, condition));
            } catch (IllegalArgumentException e) {
                throw RequestRefused.invalid(entry.field("reason"), e.getMessage());
            }
        }
        return new Registration(name, version, conditions, reasons, lease);
    }
}
