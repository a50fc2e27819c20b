package dev.nodemedic.core.report;

import io.vertx.core.http.HttpMethod;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "get", description = "Prints the daemon as the agent holds it (state, lease, conditions) as JSON.")
final class Get extends DaemonRequest {
    Get() {
        super(HttpMethod.GET, "");
    }

    @Override
    void done(String body, PrintWriter out) {
        out.println(body);
    }
}
