package dev.nodemedic.core.report;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nodemedic report …}: a daemon in its own container (a shell script in a sidecar) reports to
 * the agent's socket. Exit codes are meant for the script to act on.
 */
@Command(name = "report", description = {"Reports to a running agent over its report socket, as a daemon in its own container would.",
        "Register once, then set conditions and emit events; each report renews the lease."},
        subcommands = {Register.class, SetCondition.class, Emit.class, Renew.class, Unregister.class, Get.class},
        footer = {"", "Exit codes: 0 done; 2 refused or bad request (the message names the field); 3 agent unreachable;",
                "4 not registered or lease expired (register again); 5 rate limited (slow down); 1 the agent failed."})
public final class ReportCommand implements Callable<Integer> {
    public static final int OK = 0;
    public static final int AGENT_FAILED = 1;
    public static final int REFUSED = 2;
    public static final int UNREACHABLE = 3;
    public static final int NOT_REGISTERED = 4;
    public static final int RATE_LIMITED = 5;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return OK;
    }
}
