package dev.nodemedic.core.report;

import io.vertx.core.http.HttpMethod;
import picocli.CommandLine.Command;

@Command(name = "renew", description = "Renews the daemon's lease without reporting anything.")
final class Renew extends DaemonRequest {
    Renew() {
        super(HttpMethod.POST, "/lease");
    }
}
