package dev.nodemedic.core.report;

import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "set", description = "Sets one of the daemon's conditions (and renews its lease).")
final class SetCondition extends DaemonRequest {
    @Parameters(index = "1", paramLabel = "TYPE", description = "A condition type the daemon registered, such as GpuFailure.")
    String type;

    @Parameters(index = "2", paramLabel = "STATUS", description = "True (the problem is there), False (it is not) or Unknown.")
    String status;

    @Parameters(index = "3", paramLabel = "REASON", description = "One UpperCamelCase word, such as XidError.")
    String reason;

    @Parameters(index = "4", paramLabel = "MESSAGE", arity = "0..1", description = "A sentence for people.")
    String message = "";

    SetCondition() {
        super(HttpMethod.PUT, "/conditions/");
    }

    record ConditionBody(String status, String reason, String message) {
    }

    @Override
    String path() {
        return super.path() + URLEncoder.encode(type, StandardCharsets.UTF_8);
    }

    @Override
    String body() {
        return JSON.writeValueAsString(new ConditionBody(status, reason, message));
    }
}
