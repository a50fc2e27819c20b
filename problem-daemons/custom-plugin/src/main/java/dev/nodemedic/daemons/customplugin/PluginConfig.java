package dev.nodemedic.daemons.customplugin;

import java.time.Duration;

/**
 * NPD's {@code pluginConfig} for the custom plugin monitor. The components are named exactly as NPD's
 * snake_case keys: the config binder matches fields by name and daemon-api has no Jackson to rename
 * them, and one record with NPD's names beats a second record describing the same fields. Unknown
 * keys are refused like everywhere else.
 *
 * @param invoke_interval   how often every rule runs (NPD's default 30s)
 * @param timeout           the longest any script may run; a rule may ask for less (NPD's default 5s)
 * @param max_output_length UTF-8 bytes of a script's output kept as the message, as NPD counts them (NPD's default 80);
 *                          the agent shows at most 1,024 of them ({@code Condition.MAX_MESSAGE_BYTES})
 * @param concurrency       scripts running at once (NPD's default 3)
 * @param enable_message_change_based_condition_update
 *                          when a condition stays True (or Unknown) with the same reason, whether a new
 *                          message alone updates it (NPD's default false: output with a timestamp in it
 *                          would otherwise rewrite the node every run)
 * @param skip_initial_status NPD's switch against resetting conditions to healthy on start; accepted, and
 *                          the agent's reporter already adopts the node's conditions on start (see README)
 */
public record PluginConfig(Duration invoke_interval, Duration timeout, Integer max_output_length, Integer concurrency,
                           Boolean enable_message_change_based_condition_update, Boolean skip_initial_status) {
    public static final Duration DEFAULT_INVOKE_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_OUTPUT_LENGTH = 80;
    public static final int DEFAULT_CONCURRENCY = 3;
    /**
     * A condition message is read by people in {@code kubectl describe node}; 64 KiB is already far more
     * than that, and keeps a typo from holding megabytes per run in memory.
     */
    public static final int MAX_OUTPUT_LENGTH = 65_536;
    /** Each running script costs a process and three threads; more than this at once is a typo. */
    public static final int MAX_CONCURRENCY = 64;

    public static final PluginConfig DEFAULTS = new PluginConfig(null, null, null, null, null, null);

    public PluginConfig {
        invoke_interval = invoke_interval == null ? DEFAULT_INVOKE_INTERVAL : invoke_interval;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        max_output_length = max_output_length == null ? DEFAULT_MAX_OUTPUT_LENGTH : max_output_length;
        concurrency = concurrency == null ? DEFAULT_CONCURRENCY : concurrency;
        enable_message_change_based_condition_update = enable_message_change_based_condition_update != null && enable_message_change_based_condition_update;
        skip_initial_status = skip_initial_status != null && skip_initial_status;
        if (invoke_interval.isNegative() || invoke_interval.isZero()) {
            throw new IllegalArgumentException("invoke_interval: " + invoke_interval + " must be positive, such as \"30s\"");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " must be positive, such as \"5s\"");
        }
        if (max_output_length < 0 || max_output_length > MAX_OUTPUT_LENGTH) {
            throw new IllegalArgumentException("max_output_length: " + max_output_length + " is out of range; write 0 to " + MAX_OUTPUT_LENGTH
                    + " bytes (NPD's default is 80; the node shows at most 1024)");
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            // NPD hangs for ever with 0: its semaphore channel has no room.
            throw new IllegalArgumentException("concurrency: " + concurrency + " is out of range; write 1 to " + MAX_CONCURRENCY
                    + " scripts at once (NPD's default is 3)");
        }
    }
}
