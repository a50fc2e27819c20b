package dev.nodemedic.core.report;

import io.vertx.core.http.HttpMethod;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "unregister", description = "Removes the daemon: its conditions leave the node, as a removed plugin's do.")
final class Unregister extends DaemonRequest {
    Unregister() {
        super(HttpMethod.DELETE, "");
    }

    @Override
    void done(String body, PrintWriter out) {
        out.println("unregistered " + name);
    }
}
