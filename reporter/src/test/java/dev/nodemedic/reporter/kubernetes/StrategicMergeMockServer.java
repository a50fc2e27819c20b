package dev.nodemedic.reporter.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * fabric8's mock API server in CRUD mode, plus what CRUD mode lacks for the agent: a strategic merge
 * patch of {@code nodes/{name}/status} is applied as the API server applies it ({@code status.conditions}
 * merged by {@code type}, an entry with {@code "$patch": "delete"} removed), so what the agent wrote can
 * be read back, watched, and found by an agent started after it. CRUD mode alone answers 415 to a
 * strategic merge patch. Expectations ({@code server().expect()}) still answer first, for failures.
 * Watches of one node by name are served here too, from the same store: a watch sees what a test does
 * to the node (create, delete, edit), not the echo of the agent's own writes.
 *
 * <p>It reads the request body with {@code getBytes()}, which leaves it for the test to read again.
 */
public final class StrategicMergeMockServer implements AutoCloseable {
    private static final String STRATEGIC_MERGE = "application/strategic-merge-patch+json";

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private StrategicMergeMockServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    /** Listens on loopback, on a free port, in plain HTTP. */
    public static StrategicMergeMockServer start() {
        return start(false);
    }

    /** Listens on loopback, on a free port, over TLS as an API server does (a kubeconfig from {@link #writeKubeconfig} skips verifying it). */
    public static StrategicMergeMockServer startTls() {
        return start(true);
    }

    private static StrategicMergeMockServer start(boolean tls) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new NodeStatusMerge(responses), tls);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return new StrategicMergeMockServer(server);
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** A client of this server, for seeding objects and reading them back. */
    public KubernetesClient client() {
        return client;
    }

    /** Writes a kubeconfig that points an agent at this server (a token it does not check), as {@code file}. */
    public Path writeKubeconfig(Path file) throws IOException {
        return Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: agent, user: {token: test-token}}]
                contexts: [{name: mock, context: {cluster: mock, user: agent}}]
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl().replaceAll("/$", "")));
    }

    /** Closes the test's client first: the server waits for open connections when it stops. */
    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    /** Expectations first, then strategic merge patches of node status, then CRUD mode. */
    private static final class NodeStatusMerge extends Dispatcher {
        private static final Pattern NODE_STATUS = Pattern.compile("/api/v1/nodes/([^/?]+)/status");
        private static final Pattern NODE = Pattern.compile("/api/v1/nodes(?:/([^/?]+)(?:/status)?)?");
        private static final Pattern NODE_WATCH = Pattern.compile("/api/v1/nodes\\?(?=.*watch=true).*fieldSelector=metadata\\.name(?:%3D|=)([^&]+).*");
        private static final JsonMapper JSON = JsonMapper.builder().build();

        private final Map<ServerRequest, Queue<ServerResponse>> responses;
        private final MockDispatcher expectations;
        private final Store crud = new Store();
        private final Set<NodeWatch> watches = new CopyOnWriteArraySet<>();

        NodeStatusMerge(Map<ServerRequest, Queue<ServerResponse>> responses) {
            this.responses = responses;
            this.expectations = new MockDispatcher(responses);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            Queue<ServerResponse> expected = responses.get(new SimpleRequest(request.method(), request.getPath()));
            if (expected != null && !expected.isEmpty()) {
                return expectations.dispatch(request);
            }
            Matcher watch = NODE_WATCH.matcher(request.getPath());
            if (request.method() == HttpMethod.GET && watch.matches()) {
                return new MockResponse().withWebSocketUpgrade(new NodeWatch(URLDecoder.decode(watch.group(1), StandardCharsets.UTF_8)));
            }
            Matcher status = NODE_STATUS.matcher(request.getPath());
            String type = request.getHeader("Content-Type");
            if (request.method() == HttpMethod.PATCH && status.matches() && type != null && type.startsWith(STRATEGIC_MERGE)) {
                return merge(status.group(1), request);
            }
            Matcher node = NODE.matcher(request.getPath());
            if (request.method() == HttpMethod.GET || !node.matches()) {
                return crud.dispatch(request);
            }
            // A test creates, deletes or edits a node: the watches hear of it as the API server's would.
            MockResponse answer = crud.dispatch(request);
            if (answer.code() / 100 == 2) {
                String action = switch (request.method()) {
                    case POST -> "ADDED";
                    case DELETE -> "DELETED";
                    default -> "MODIFIED";
                };
                String name = node.group(1) != null ? node.group(1) : JSON.readTree(answer.getBody().getBytes()).path("metadata").path("name").asString();
                String object = action.equals("DELETED") ? new String(answer.getBody().getBytes(), StandardCharsets.UTF_8) : current(name);
                watches.stream().filter(w -> w.node.equals(name)).forEach(w -> w.send(action, object));
            }
            return answer;
        }

        private String current(String node) {
            return stored(node).map(Map.Entry::getValue).orElse("{}");
        }

        /** Under the lock {@link #merge} writes under, so a watch opened after our write sees it. */
        private synchronized Optional<Map.Entry<AttributeSet, String>> stored(String node) {
            return Optional.ofNullable(crud.findResource(crud.getKey("/api/v1/nodes/" + node)));
        }

        /**
         * A watch of one node by name, as the agent asks for it. CRUD mode's own watches block the
         * server's event loop for up to a minute when the client closes one (WatchEventsListener waits
         * for its sender thread there), which every agent stop would do.
         */
        private final class NodeWatch extends WebSocketListener {
            private final String node;
            private volatile WebSocket socket;

            NodeWatch(String node) {
                this.node = node;
            }

            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                socket = webSocket;
                watches.add(this);
                // Without a resourceVersion a watch starts with the object as it is.
                stored(node).ifPresent(entry -> send("ADDED", entry.getValue()));
            }

            void send(String action, String object) {
                WebSocket open = socket;
                if (open != null) {
                    open.send("{\"type\":\"" + action + "\",\"object\":" + object + "}");
                }
            }

            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                watches.remove(this);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                watches.remove(this);
            }
        }

        /** Read, merge, write the whole node back: one lock, so no other merge comes between. */
        private synchronized MockResponse merge(String node, RecordedRequest request) {
            Map.Entry<AttributeSet, String> stored = stored(node).orElse(null);
            if (stored == null) {
                return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\",\"message\":\"nodes \\\"" + node + "\\\" not found\"}");
            }
            ObjectNode updated = (ObjectNode) JSON.readTree(stored.getValue());
            JsonNode patch = JSON.readTree(request.getBody().getBytes());
            Map<String, ObjectNode> byType = new LinkedHashMap<>();
            for (JsonNode entry : updated.path("status").path("conditions")) {
                byType.put(entry.path("type").asString(), (ObjectNode) entry.deepCopy());
            }
            for (JsonNode entry : patch.path("status").path("conditions")) {
                String conditionType = entry.path("type").asString();
                if ("delete".equals(entry.path("$patch").asString(""))) {
                    byType.remove(conditionType);
                } else {
                    ObjectNode merged = byType.computeIfAbsent(conditionType, t -> JSON.createObjectNode());
                    entry.properties().forEach(field -> merged.set(field.getKey(), field.getValue()));
                }
            }
            ObjectNode status = updated.has("status") ? (ObjectNode) updated.get("status") : updated.putObject("status");
            ArrayNode conditions = status.putArray("conditions");
            byType.values().forEach(conditions::add);
            ((ObjectNode) updated.path("metadata")).put("resourceVersion", String.valueOf(crud.requestResourceVersion()));
            String body = JSON.writeValueAsString(updated);
            crud.storeWithoutEvent(stored.getKey(), body);
            return new MockResponse().setResponseCode(200).setBody(body);
        }
    }

    /** CRUD mode's store, written directly for a merged status patch; the watches are this server's own. */
    private static final class Store extends KubernetesCrudDispatcher {
        void storeWithoutEvent(AttributeSet key, String json) {
            map.put(key, json);
        }
    }
}
