package dev.nodemedic.daemon.api;

/** The {@link ProblemDaemon#configType()} of a daemon that takes no configuration. */
public record NoConfig() {
}
