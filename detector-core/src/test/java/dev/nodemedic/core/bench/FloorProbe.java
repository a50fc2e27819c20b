package dev.nodemedic.core.bench;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Benchmark probe, not a test: the least a process can hold that uses the libraries the agent is built
 * on (Vert.x, fabric8, Jackson) for what the agent does with them in a cluster, and nothing of the agent.
 * {@link LibraryFloor} starts it in a JVM of its own with the launcher's flags and reads its RSS.
 *
 * <ul>
 *   <li>{@code jvm}: a JVM that waits, nothing loaded: the JDK's own share.</li>
 *   <li>{@code vertx}: Vert.x with one HTTP server listening (the status page's share).</li>
 *   <li>{@code raw}: that, plus fabric8's HTTP client on the same Vert.x, built from fabric8's
 *       {@link Config} (its TLS, token and timeouts), sending the agent's three calls every two seconds
 *       over TLS with bodies made as Jackson trees: read the Node, strategic-merge-patch its status,
 *       create an Event. fabric8 used for its HTTP and auth only.</li>
 *   <li>{@code typed}: the same three calls through fabric8's {@link KubernetesClient} and its model
 *       types, as the agent makes them today.</li>
 * </ul>
 *
 * <p>Arguments: variant, API server URL, node name, and seconds to run (0: until killed; the AOT
 * training run stops by itself so that the JVM writes its cache). Prints {@code ready} once the
 * first round of calls answered.
 */
public final class FloorProbe {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) {
        // Vert.x's threads would keep a probe whose calls failed alive.
        try {
            run(args);
        } catch (Exception | Error e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String variant = args[0];
        String master = args[1];
        String node = args[2];
        long stopAt = Long.parseLong(args[3]) == 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        if (variant.equals("jvm")) {
            System.out.println("ready");
            waitUntil(stopAt);
            System.exit(0);
        }
        Vertx vertx = Vertx.vertx();
        vertx.createHttpServer().requestHandler(request -> request.response().end("ok")).listen(0, "127.0.0.1").await();
        Config config = new ConfigBuilder().withMasterUrl(master).withTrustCerts(true).withOauthToken("probe-token").build();
        Runnable round = switch (variant) {
            case "vertx" -> () -> { };
            case "raw" -> rawCalls(new Vertx5HttpClientFactory(vertx).newBuilder(config).build(), config.getMasterUrl(), node);
            case "typed" -> typedCalls(new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new Vertx5HttpClientFactory(vertx)).build(), node);
            default -> throw new IllegalArgumentException("variant " + variant + ": one of jvm, vertx, raw, typed");
        };
        round.run();
        System.out.println("ready");
        while (System.nanoTime() < stopAt) {
            Thread.sleep(2000);
            round.run();
        }
        System.exit(0);
    }

    private static Runnable rawCalls(HttpClient http, String base, String node) {
        int[] round = {0};
        long pid = ProcessHandle.current().pid();
        return () -> {
            int n = round[0]++;
            send(http, http.newHttpRequestBuilder().uri(base + "api/v1/nodes/" + node).build());
            ObjectNode patch = JSON.createObjectNode();
            patch.putObject("status").putArray("conditions").addObject().put("type", "KernelDeadlock").put("status", "False")
                    .put("lastHeartbeatTime", "2026-12-07T00:00:00Z").put("lastTransitionTime", "2026-12-07T00:00:00Z")
                    .put("reason", "KernelHasNoDeadlock" + n % 2).put("message", "kernel has no deadlock");
            send(http, http.newHttpRequestBuilder().uri(base + "api/v1/nodes/" + node + "/status")
                    .method("PATCH", "application/strategic-merge-patch+json", JSON.writeValueAsString(patch)).build());
            ObjectNode event = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Event");
            event.putObject("metadata").put("name", node + ".raw" + pid + "-" + n).put("namespace", "default");
            event.putObject("involvedObject").put("kind", "Node").put("name", node).put("uid", node);
            event.put("reason", "OOMKilling").put("message", "Out of memory").put("type", "Warning").put("count", 1);
            send(http, http.newHttpRequestBuilder().uri(base + "api/v1/namespaces/default/events").post("application/json", JSON.writeValueAsString(event)).build());
        };
    }

    private static void send(HttpClient http, HttpRequest request) {
        HttpResponse<String> response = http.sendAsync(request, String.class).join();
        if (!response.isSuccessful()) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + response.code() + " " + response.body());
        }
    }

    private static Runnable typedCalls(KubernetesClient client, String node) {
        int[] round = {0};
        long pid = ProcessHandle.current().pid();
        PatchContext strategicMerge = PatchContext.of(PatchType.STRATEGIC_MERGE);
        return () -> {
            int n = round[0]++;
            client.nodes().withName(node).get();
            String patch = """
                    {"status":{"conditions":[{"type":"KernelDeadlock","status":"False","lastHeartbeatTime":"2026-12-07T00:00:00Z",\
                    "lastTransitionTime":"2026-12-07T00:00:00Z","reason":"KernelHasNoDeadlock%d","message":"kernel has no deadlock"}]}}"""
                    .formatted(n % 2);
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).subresource("status").patch(strategicMerge, patch);
            client.v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata().withName(node + ".typed" + pid + "-" + n).endMetadata()
                    .withNewInvolvedObject().withKind("Node").withName(node).withUid(node).endInvolvedObject()
                    .withReason("OOMKilling").withMessage("Out of memory").withType("Warning").withCount(1).build()).create();
        };
    }

    private static void waitUntil(long stopAt) throws InterruptedException {
        while (System.nanoTime() < stopAt) {
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(stopAt - System.nanoTime()) + 1, 60_000));
        }
    }

    private FloorProbe() {
    }
}
