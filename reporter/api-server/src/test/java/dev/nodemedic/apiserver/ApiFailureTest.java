package dev.nodemedic.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiFailureTest {
    /** An answer with a status body, as fabric8 reports it. */
    private static KubernetesClientException answered(int code, String message) {
        return new KubernetesClientException(new StatusBuilder().withCode(code).withMessage(message).build());
    }

    @ParameterizedTest(name = "{0} is {1}, retried up to every {2}s")
    @CsvSource({
            "401, UNAUTHORIZED, 30",
            "403, FORBIDDEN,    30",
            "404, NOT_FOUND,     5",
            "409, CONFLICT,      1",
            "422, REJECTED,     30",
            "400, REJECTED,     30",
            "408, SERVER_ERROR,  1",
            "429, THROTTLED,     1",
            "500, SERVER_ERROR,  1",
            "503, SERVER_ERROR,  1",
    })
    void anAnswerIsClassifiedByItsStatus(int code, ApiFailure.Kind kind, long capSeconds) {
        ApiFailure failure = ApiFailure.of(answered(code, "said"));

        assertThat(failure).isEqualTo(new ApiFailure(kind, code, "said"));
        assertThat(failure.codeLabel()).isEqualTo(Integer.toString(code));
        assertThat(kind.retryCap()).isEqualTo(Duration.ofSeconds(capSeconds));
    }

    @ParameterizedTest(name = "code {0}")
    @CsvSource({"0", "-1"})
    void noAnswerIsUnreachableWithTheClientsFirstLineAsDetail(int code) {
        var e = new KubernetesClientException("Failed to connect", new IOException("wrapped", new ConnectException("Connection refused\nat some frame")),
                code, null, null);

        ApiFailure failure = ApiFailure.of(e);

        assertThat(failure).isEqualTo(new ApiFailure(ApiFailure.Kind.UNREACHABLE, 0, "ConnectException: Connection refused"));
        assertThat(failure.codeLabel()).isEqualTo("none");
        assertThat(ApiFailure.Kind.UNREACHABLE.retryCap()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void notFoundAndConflictAreAskedByName() {
        assertThat(ApiFailure.of(answered(404, "gone")).notFound()).isTrue();
        assertThat(ApiFailure.of(answered(404, "gone")).conflict()).isFalse();
        assertThat(ApiFailure.of(answered(409, "changed")).conflict()).isTrue();
        assertThat(ApiFailure.of(answered(500, "etcd")).notFound()).isFalse();
    }

    @Test
    void aCallMadeOnceIsOneLineWithTheServersWordsAndTheCallersAdvice() {
        assertThat(ApiFailure.of(answered(403, "nodes \"node-a\" is forbidden")).explain("patch node node-a", Caller.CONTROLLER))
                .isEqualTo("patch node node-a failed (403): nodes \"node-a\" is forbidden; "
                        + "the controller's ClusterRole lacks this verb (see the remedy controller's README, RBAC)");
        assertThat(ApiFailure.of(answered(401, "Unauthorized")).explain("write event", Caller.CONTROLLER))
                .isEqualTo("write event failed (401): Unauthorized; the service account token is missing, expired or not mounted");
        assertThat(ApiFailure.of(answered(404, "not found")).explain("create noderemedyledger node-a", Caller.CONTROLLER))
                .isEqualTo("create noderemedyledger node-a failed (404): not found");
        assertThat(new ApiFailure(ApiFailure.Kind.UNREACHABLE, 0, "ConnectException: Connection refused").explain("evict pod ns/p", Caller.CONTROLLER))
                .isEqualTo("evict pod ns/p failed, no answer from the API server: ConnectException: Connection refused");
    }

    @Test
    void aRequestTimeoutIsRetriedSoonAsAServerThatDidNotAnswerInTime() {
        ApiFailure failure = ApiFailure.of(answered(408, "request timed out"));

        assertThat(failure.kind()).as("nothing was wrong with the request: not REJECTED, which is dropped or waits 30s").isEqualTo(ApiFailure.Kind.SERVER_ERROR);
        assertThat(failure.explainRetried(ApiFailure.Target.EVENT, "node-a", "create events", Caller.AGENT))
                .isEqualTo("the API server failed (408); create events is retried with backoff up to every 1s");
    }

    @Test
    void aNotFoundEventWaitsUpTo30sAsItsNamespaceNeedsAPersonWhileANotFoundNodeIsTriedEvery5s() {
        ApiFailure notFound = ApiFailure.of(answered(404, "not found"));

        assertThat(notFound.retryCap(ApiFailure.Target.EVENT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(notFound.retryCap(ApiFailure.Target.NODE)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ApiFailure.of(answered(503, "etcd")).retryCap(ApiFailure.Target.EVENT)).as("other kinds keep their cap").isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"AGENT", "CONTROLLER"})
    void aNotFoundEventWriteBlamesTheEventsNamespaceNotTheNode(Caller caller) {
        String line = new ApiFailure(ApiFailure.Kind.NOT_FOUND, 404, "namespaces \"default\" not found")
                .explainRetried(ApiFailure.Target.EVENT, "node-a", "create events", caller);

        assertThat(line).isEqualTo("the API server found no namespace or Event for create events about node node-a (404): Events about nodes go to"
                + " namespace default, as kubelet's; check that it exists; create events is retried with backoff up to every 30s");
        assertThat(line).doesNotContain("does not exist", "--node-name");
    }

    @Test
    void aRetriedCallSaysWhatToCheckAndHowOftenItIsRetried() {
        assertThat(new ApiFailure(ApiFailure.Kind.NOT_FOUND, 404, "nodes \"node-a\" not found").explainRetried(ApiFailure.Target.NODE, "node-a", "get nodes/node-a", Caller.AGENT))
                .isEqualTo("node node-a does not exist on the API server (404): check --node-name / NODE_NAME, or kubelet has not registered it yet;"
                        + " get nodes/node-a is retried with backoff up to every 5s");
        assertThat(new ApiFailure(ApiFailure.Kind.FORBIDDEN, 403, "forbidden").explainRetried(ApiFailure.Target.NODE, "node-a", "patch nodes/node-a/status", Caller.AGENT))
                .isEqualTo("RBAC forbids patch nodes/node-a/status (403): the agent's ClusterRole needs nodes get and watch, nodes/status patch,"
                        + " events create and patch; patch nodes/node-a/status is retried with backoff up to every 30s");
        assertThat(new ApiFailure(ApiFailure.Kind.UNAUTHORIZED, 401, "Unauthorized").explainRetried(ApiFailure.Target.NODE, "node-a", "watch nodes/node-a", Caller.AGENT))
                .isEqualTo("the API server refused our credentials (401): the service account token is missing, expired or not mounted;"
                        + " watch nodes/node-a is retried with backoff up to every 30s");
        assertThat(new ApiFailure(ApiFailure.Kind.UNREACHABLE, 0, "timeout").explainRetried(ApiFailure.Target.EVENT, "node-a", "create events", Caller.AGENT))
                .isEqualTo("the API server did not answer; create events is retried with backoff up to every 1s");
        assertThat(new ApiFailure(ApiFailure.Kind.NOT_FOUND, 404, "gone").explainRetried(ApiFailure.Target.NODE, "node-a", "patch nodes/node-a/status", Caller.CONTROLLER))
                .as("the controller's 404 has no advice of the agent's")
                .isEqualTo("node node-a does not exist on the API server (404); patch nodes/node-a/status is retried with backoff up to every 5s");
    }
}
