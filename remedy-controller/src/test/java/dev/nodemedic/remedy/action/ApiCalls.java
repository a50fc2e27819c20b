package dev.nodemedic.remedy.action;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The requests the mock API server has received since the last look, for asserting what was (not) written. */
public final class ApiCalls {
    private ApiCalls() {
    }

    /** Takes every request recorded so far, oldest first. */
    public static List<RecordedRequest> take(KubernetesMockServer server) throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null; r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
            requests.add(r);
        }
        return requests;
    }

    /** Every request other than a read: what a dry-run must never send. */
    public static List<String> writes(KubernetesMockServer server) throws InterruptedException {
        return take(server).stream().filter(r -> !r.getMethod().equals("GET")).map(r -> r.getMethod() + " " + r.getPath()).toList();
    }
}
