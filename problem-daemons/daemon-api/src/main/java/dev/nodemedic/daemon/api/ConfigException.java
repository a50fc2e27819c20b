package dev.nodemedic.daemon.api;

/**
 * A configuration file the agent cannot use. The message says which file, where in it (line, column,
 * field path), what is wrong and what was expected, in words an operator can act on.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
