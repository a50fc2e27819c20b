package dev.nodemedic.core.report;

import io.vertx.core.http.HttpMethod;
import picocli.CommandLine.Parameters;

/**
 * A request about a registered daemon, named by the command's first word, to its path on the socket
 * or one below it. Only {@code register} describes the name: it is where the name is chosen.
 */
abstract class DaemonRequest extends Request {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    private final String below;

    DaemonRequest(HttpMethod method, String below) {
        super(method);
        this.below = below;
    }

    @Override
    String path() {
        return daemonPath(name) + below;
    }
}
