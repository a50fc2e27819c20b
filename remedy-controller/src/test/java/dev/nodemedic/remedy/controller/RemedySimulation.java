package dev.nodemedic.remedy.controller;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.remedy.action.ActionKind;
import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.Actions;
import dev.nodemedic.remedy.action.ActionsByMode;
import dev.nodemedic.remedy.action.DrainOptions;
import dev.nodemedic.remedy.action.DrainRound;
import dev.nodemedic.remedy.action.Drainer;
import dev.nodemedic.remedy.action.Mode;
import dev.nodemedic.remedy.action.NodeActions;
import dev.nodemedic.remedy.action.NodeTaint;
import dev.nodemedic.remedy.action.RemedyAnnotations;
import dev.nodemedic.remedy.engine.Ledger;
import dev.nodemedic.remedy.engine.LedgerCodec;
import dev.nodemedic.remedy.event.NeedsHumanCondition;
import dev.nodemedic.remedy.event.RemedyEvents;
import dev.nodemedic.remedy.event.RemedyReason;
import dev.nodemedic.remedy.policy.Budgets;
import dev.nodemedic.remedy.policy.ConditionRule;
import dev.nodemedic.remedy.policy.NodeRemedyPolicy;
import dev.nodemedic.remedy.policy.NodeRemedyPolicySpec;
import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus;
import dev.nodemedic.remedy.policy.Recovery;
import dev.nodemedic.remedy.policy.RemedyStep;
import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.logging.Level;

/**
 * The 5,000-node simulation behind docs/benchmarks.md ("Remedy controller"): the real {@link RemedyLoop}
 * and engine over 5,000 fabric8 Node objects (as the informer's cache holds them), time on a manual
 * clock that jumps from one event to the next (a failure, a heartbeat round, or the instant the
 * controller asked to be woken), and in-memory stand-ins for the API server's writes. It checks every
 * action against the budgets from its own ground truth and prints the figures. Not a test: run it with
 * {@code remedy-controller/bench/run-simulation.sh}, under {@code -Xmx256m}.
 *
 * <p>Story (simulated time): a trickle of 60 failures from 0:10 (one every 15–45 s, half of them recover
 * after 20 min); at 2:00 a storm: 1,500 nodes (30 %) fail within a minute; at 2:30 all but 10 of them
 * recover; the run ends at 6:00.
 */
public final class RemedySimulation {
    static final int NODES = 5_000;
    static final int ZONES = 10;
    static final int MAX_IN_FLIGHT = 100;   // "2%"
    static final int MAX_PER_ZONE = 15;
    static final int MAX_UNHEALTHY = 1_000; // "20%"
    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    static final Duration MIN_DURATION = Duration.ofMinutes(5);
    static final Duration STORM_COOLDOWN = Duration.ofMinutes(30);
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant END = START.plus(Duration.ofHours(6));

    private final ManualClock clock = new ManualClock(START);
    private final Map<String, Node> cluster = new HashMap<>();
    private final Set<String> echoes = new LinkedHashSet<>();
    private final Map<String, Ledger> ledgers = new HashMap<>();
    private final Set<String> sick = new HashSet<>();
    private final PriorityQueue<Injected> injected = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    private final Map<String, Instant> dueAt = new HashMap<>();
    private final List<Long> reactionNanos = new ArrayList<>();
    private final List<Long> passNanos = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<ActionKind, Integer> actionCounts = new HashMap<>();
    private final Map<RemedyReason, Integer> eventCounts = new HashMap<>();
    private Optional<Instant> lastAdmission = Optional.empty();
    private Optional<Instant> stormEnded = Optional.empty();
    private boolean storm;
    private long passStart;
    private int stormActions;
    private int statusWrites;
    private NodeRemedyPolicyStatus lastStatus;
    private int needsHuman;
    private final Map<String, Long> liveHeap = new java.util.LinkedHashMap<>();
    private final RemedyLoop loop;

    private record Injected(Instant at, String what, Runnable change) {
    }

    private RemedySimulation() {
        Actions live = new Actions(Mode.APPLY, new SimNodeActions(), new SimDrainer(), this::event, new SimNeedsHuman());
        Actions dry = new Actions(Mode.DRY_RUN, live.nodes(), live.drainer(), live.events(), live.needsHuman());
        loop = new RemedyLoop(clock, new ActionsByMode(live, dry), new SimLedgers(), this::writeStatus,
                new RemedyMetrics(new SimpleMeterRegistry()), ControllerSettings.DEFAULT);
    }

    public static void main(String[] args) {
        java.util.logging.Logger.getLogger("").setLevel(Level.SEVERE);
        Arrays.stream(java.util.logging.Logger.getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.SEVERE));
        new RemedySimulation().run();
    }

    private void run() {
        long built = System.nanoTime();
        Random random = new Random(42);
        for (int i = 0; i < NODES; i++) {
            Node node = node(i);
            cluster.put(node.getMetadata().getName(), node);
        }
        // What the informer's cache alone holds, before the controller sees a node.
        measureHeap("Node objects only");
        cluster.values().forEach(node -> loop.nodeChanged(NodeSnapshots.of(node)));
        loop.policyChanged(policy());
        long nodeBytes = new KubernetesSerialization().asJson(cluster.get("node-0000")).length();
        System.out.printf("nodes: %,d in %d zones, %,d bytes of JSON each; built in %d ms%n", NODES, ZONES, nodeBytes,
                (System.nanoTime() - built) / 1_000_000);

        for (Instant at = START.plus(Duration.ofMinutes(5)); at.isBefore(END); at = at.plus(Duration.ofMinutes(5))) {
            Instant when = at;
            injected.add(new Injected(when, "heartbeats", () -> cluster.keySet().forEach(n -> heartbeat(n, when))));
        }
        List<String> names = new ArrayList<>(cluster.keySet());
        java.util.Collections.sort(names);
        java.util.Collections.shuffle(names, random);
        Instant at = START.plus(Duration.ofMinutes(10));
        for (int i = 0; i < 60; i++) {
            at = at.plusSeconds(15 + random.nextInt(31));
            String name = names.get(i);
            Instant failAt = at;
            injected.add(new Injected(failAt, "trickle", () -> {
                fail(name, failAt);
                dueAt.put(name, failAt.plus(MIN_DURATION));
            }));
            if (i % 2 == 0) {
                injected.add(new Injected(failAt.plus(Duration.ofMinutes(20)), "recover", () -> recover(name, failAt.plus(Duration.ofMinutes(20)))));
            }
        }
        Instant stormAt = START.plus(Duration.ofHours(2));
        for (int i = 0; i < 1_500; i++) {
            String name = names.get(100 + i);
            Instant failAt = stormAt.plusMillis(random.nextInt(60_000));
            injected.add(new Injected(failAt, "storm", () -> fail(name, failAt)));
            if (i >= 10) {
                Instant recoverAt = stormAt.plus(Duration.ofMinutes(30)).plusMillis(random.nextInt(60_000));
                injected.add(new Injected(recoverAt, "recover", () -> recover(name, recoverAt)));
            }
        }

        injected.add(new Injected(stormAt.plus(Duration.ofMinutes(10)), "heap", () -> measureHeap("storm")));
        measureHeap("start");
        long wallStart = System.nanoTime();
        int passes = 0;
        Optional<Instant> wake = timedPass();
        passes++;
        while (true) {
            Instant next = injected.isEmpty() ? END : injected.peek().at();
            if (wake.isPresent() && wake.get().isBefore(next)) {
                next = wake.get();
            }
            if (!next.isBefore(END)) {
                break;
            }
            clock.set(next);
            while (!injected.isEmpty() && !injected.peek().at().isAfter(next)) {
                Injected change = injected.poll();
                change.change().run();
            }
            deliverEchoes();
            trackStorm();
            wake = timedPass();
            passes++;
            if (!echoes.isEmpty()) {
                // The informer brings our own writes back; that change runs one more pass, as in the controller.
                deliverEchoes();
                wake = timedPass();
                passes++;
            }
            checkBudgets();
        }
        long wall = System.nanoTime() - wallStart;
        report(passes, wall);
    }

    private Optional<Instant> timedPass() {
        passStart = System.nanoTime();
        Optional<Instant> wake = loop.pass();
        passNanos.add(System.nanoTime() - passStart);
        return wake;
    }

    private void deliverEchoes() {
        for (String name : echoes) {
            loop.nodeChanged(NodeSnapshots.of(cluster.get(name)));
            loop.ledgerChanged(name, Optional.ofNullable(ledgers.get(name)));
        }
        echoes.clear();
    }

    // ---- the cluster ----

    private static Node node(int i) {
        String name = String.format("node-%04d", i);
        String zone = "zone-" + (char) ('a' + i % ZONES);
        Map<String, String> labels = new HashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("topology.kubernetes.io/zone", zone);
        labels.put("topology.kubernetes.io/region", "region-1");
        labels.put("node.kubernetes.io/instance-type", "m6i.2xlarge");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("failure-domain.beta.kubernetes.io/zone", zone);
        labels.put("node-pool", "general-" + (i % 4));
        List<NodeCondition> conditions = new ArrayList<>();
        for (String[] c : new String[][] {{"MemoryPressure", "False", "KubeletHasSufficientMemory"},
                {"DiskPressure", "False", "KubeletHasNoDiskPressure"}, {"PIDPressure", "False", "KubeletHasSufficientPID"},
                {"Ready", "True", "KubeletReady"}, {"KernelDeadlock", "False", "KernelHasNoDeadlock"},
                {"ReadonlyFilesystem", "False", "FilesystemIsNotReadOnly"}, {"FrequentKubeletRestart", "False", "NoFrequentKubeletRestart"},
                {"FrequentContainerdRestart", "False", "NoFrequentContainerdRestart"}, {"CorruptDockerOverlay2", "False", "NoCorruptDockerOverlay2"}}) {
            conditions.add(new NodeConditionBuilder().withType(c[0]).withStatus(c[1]).withReason(c[2])
                    .withMessage(c[0] + " is fine (nodemedic)").withLastTransitionTime(START.minus(Duration.ofDays(3)).toString())
                    .withLastHeartbeatTime(START.toString()).build());
        }
        NodeBuilder builder = new NodeBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels)
                        .withUid("uid-" + name).withResourceVersion("1").build())
                .withNewSpec().withPodCIDR("10." + (i / 250) + "." + (i % 250) + ".0/24").withProviderID("aws:///" + zone + "/i-" + name).endSpec()
                .withNewStatus().withConditions(conditions)
                .addNewAddress().withType("InternalIP").withAddress("10.0." + (i / 250) + "." + (i % 250)).endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .withCapacity(Map.of("cpu", new Quantity("8"), "memory", new Quantity("32Gi"), "pods", new Quantity("110"),
                        "ephemeral-storage", new Quantity("100Gi")))
                .withAllocatable(Map.of("cpu", new Quantity("7910m"), "memory", new Quantity("31Gi"), "pods", new Quantity("110"),
                        "ephemeral-storage", new Quantity("95Gi")))
                .withNewNodeInfo().withKubeletVersion("v1.34.1").withContainerRuntimeVersion("containerd://2.1.4").withOsImage("Debian 13")
                .withKernelVersion("6.12.48").withArchitecture("amd64").withOperatingSystem("linux").withMachineID("m-" + name)
                .withBootID("b-" + name).withSystemUUID("s-" + name).endNodeInfo().endStatus();
        for (int image = 0; image < 20; image++) {
            builder.editStatus().addToImages(new ContainerImageBuilder()
                    .withNames("registry.example/team-" + image + "/app@sha256:" + "0123456789abcdef".repeat(4), "registry.example/team-" + image + "/app:v" + image)
                    .withSizeBytes(50_000_000L + image).build()).endStatus();
        }
        return builder.build();
    }

    private NodeCondition kernelDeadlock(String name) {
        return cluster.get(name).getStatus().getConditions().stream().filter(c -> c.getType().equals("KernelDeadlock")).findFirst().orElseThrow();
    }

    private void heartbeat(String name, Instant at) {
        kernelDeadlock(name).setLastHeartbeatTime(at.toString());
        loop.nodeChanged(NodeSnapshots.of(cluster.get(name)));
    }

    private void fail(String name, Instant at) {
        sick.add(name);
        transition(name, at, "True", "DockerHung");
    }

    private void recover(String name, Instant at) {
        sick.remove(name);
        transition(name, at, "False", "KernelHasNoDeadlock");
    }

    private void transition(String name, Instant at, String status, String reason) {
        NodeCondition condition = kernelDeadlock(name);
        condition.setStatus(status);
        condition.setReason(reason);
        condition.setLastTransitionTime(at.toString());
        condition.setLastHeartbeatTime(at.toString());
        loop.nodeChanged(NodeSnapshots.of(cluster.get(name)));
    }

    private static NodeRemedyPolicy policy() {
        NodeRemedyPolicy policy = new NodeRemedyPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName("kernel").withGeneration(1L).build());
        policy.setSpec(new NodeRemedyPolicySpec(new LabelSelector(), null,
                List.of(new ConditionRule("KernelDeadlock", "True", "5m", null, "15m")),
                List.of(new RemedyStep(null, new RemedyStep.CordonStep(), null, null, "10m", null),
                        new RemedyStep(null, null, new RemedyStep.DrainStep(null), null, "30m", null),
                        new RemedyStep(null, null, null, new RemedyStep.RebootStep(), "1h", null)),
                new Budgets(new IntOrString("20%"), new IntOrString("2%"), MAX_PER_ZONE, "10s", "30m", 3, "24h"),
                new Recovery("10m"), false, false, null));
        return policy;
    }

    // ---- the ground truth the budgets are checked against ----

    private void trackStorm() {
        boolean now = sick.size() > MAX_UNHEALTHY;
        if (storm && !now) {
            stormEnded = Optional.of(clock.instant());
        }
        storm = now;
    }

    private Optional<Ledger> ledgerOf(Node node) {
        return Optional.ofNullable(ledgers.get(node.getMetadata().getName()));
    }

    private void checkBudgets() {
        int inFlight = 0;
        Map<String, Integer> perZone = new HashMap<>();
        for (Node node : cluster.values()) {
            if (ledgerOf(node).map(Ledger::inFlight).orElse(false)) {
                inFlight++;
                perZone.merge(node.getMetadata().getLabels().get("topology.kubernetes.io/zone"), 1, Integer::sum);
            }
        }
        if (inFlight > MAX_IN_FLIGHT) {
            violations.add(clock.instant() + ": " + inFlight + " nodes in flight, maxInFlight " + MAX_IN_FLIGHT);
        }
        perZone.forEach((zone, count) -> {
            if (count > MAX_PER_ZONE) {
                violations.add(clock.instant() + ": " + count + " in flight in " + zone + ", maxPerZone " + MAX_PER_ZONE);
            }
        });
    }

    /** Every action, as the fake API sees it: checked against the storm, the cooldown and minInterval. */
    private ActionResult acted(ActionKind kind, String name, String message) {
        Instant now = clock.instant();
        actionCounts.merge(kind, 1, Integer::sum);
        boolean inFlightBefore = ledgerOf(cluster.get(name)).flatMap(Ledger::current).isPresent();
        if (storm && kind != ActionKind.UNDO) {
            stormActions++;
            violations.add(now + ": " + kind.label() + " on " + name + " during a storm (" + sick.size() + " unhealthy)");
        }
        if (kind == ActionKind.CORDON && !inFlightBefore) {
            if (stormEnded.isPresent() && now.isBefore(stormEnded.get().plus(STORM_COOLDOWN))) {
                violations.add(now + ": new remedy on " + name + " within the storm cooldown");
            }
            if (lastAdmission.isPresent() && now.isBefore(lastAdmission.get().plus(MIN_INTERVAL))) {
                violations.add(now + ": new remedy on " + name + " " + Duration.between(lastAdmission.get(), now) + " after the last, minInterval " + MIN_INTERVAL);
            }
            lastAdmission = Optional.of(now);
            Instant due = dueAt.remove(name);
            if (due != null) {
                reactionNanos.add(Duration.between(due, now).toNanos() + (System.nanoTime() - passStart));
            }
        }
        echoes.add(name);
        return new ActionResult(kind, name, ActionResult.Outcome.APPLIED, message);
    }

    private final class SimNodeActions implements NodeActions {
        @Override
        public ActionResult taint(String node, String policy, NodeTaint taint) {
            annotate(node, RemedyAnnotations.TAINTS, taint.toString());
            return acted(ActionKind.TAINT, node, "tainted " + node);
        }

        @Override
        public ActionResult cordon(String node, String policy) {
            cluster.get(node).getSpec().setUnschedulable(true);
            annotate(node, RemedyAnnotations.CORDONED, "true");
            return acted(ActionKind.CORDON, node, "cordoned " + node);
        }

        @Override
        public ActionResult requestReboot(String node, String policy, String why) {
            annotate(node, RemedyAnnotations.REBOOT_REQUESTED, clock.instant().toString());
            return acted(ActionKind.REQUEST_REBOOT, node, "asked for a reboot of " + node);
        }

        @Override
        public ActionResult undo(String node, String policy) {
            cluster.get(node).getSpec().setUnschedulable(null);
            cluster.get(node).getMetadata().getAnnotations().clear();
            return acted(ActionKind.UNDO, node, "undid " + node);
        }

        private void annotate(String node, String key, String value) {
            Map<String, String> annotations = cluster.get(node).getMetadata().getAnnotations();
            if (annotations == null) {
                annotations = new HashMap<>();
                cluster.get(node).getMetadata().setAnnotations(annotations);
            }
            annotations.put(RemedyAnnotations.POLICY, "kernel");
            annotations.put(key, value);
        }
    }

    private final class SimDrainer implements Drainer {
        @Override
        public DrainRound round(String node, String policy, DrainOptions options) {
            acted(ActionKind.DRAIN, node, "drained " + node);
            return new DrainRound(node, DrainRound.Outcome.DRAINED, List.of(), List.of(), List.of(), Optional.empty(), "drained " + node);
        }

        @Override
        public void forget(String node) {
        }
    }

    private final class SimNeedsHuman implements NeedsHumanCondition {
        @Override
        public ActionResult raise(String node, String policy, String reason, String message) {
            needsHuman++;
            return acted(ActionKind.NEEDS_HUMAN, node, message);
        }

        @Override
        public ActionResult clear(String node) {
            return new ActionResult(ActionKind.NEEDS_HUMAN, node, ActionResult.Outcome.UNCHANGED, "cleared");
        }
    }

    private void event(String node, RemedyReason reason, String message) {
        eventCounts.merge(reason, 1, Integer::sum);
    }

    /** The NodeRemedyLedgers, as the fake API keeps them: written through the codec, as the store writes them. */
    private final class SimLedgers implements LedgerStore {
        @Override
        public Optional<String> write(String node, Ledger ledger) {
            ledgers.put(node, LedgerCodec.decode(LedgerCodec.encode(ledger)));
            echoes.add(node);
            return Optional.empty();
        }

        @Override
        public Optional<String> forget(String node) {
            ledgers.remove(node);
            return Optional.empty();
        }
    }

    private Optional<ApiFailure> writeStatus(String policy, NodeRemedyPolicyStatus status) {
        statusWrites++;
        lastStatus = status;
        return Optional.empty();
    }

    /** The live heap: what a full collection leaves (a benchmark may ask for one; the controller never does). */
    private void measureHeap(String when) {
        System.gc();
        liveHeap.put(when, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    // ---- figures ----

    private void report(int passes, long wallNanos) {
        measureHeap("end");
        long heapMax = Runtime.getRuntime().maxMemory();
        long peakLive = liveHeap.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long[] pass = passNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] reaction = reactionNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("simulated %s in %.1f s of wall time: %,d passes%n", Duration.between(START, END), wallNanos / 1e9, passes);
        System.out.printf("pass over %,d nodes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", NODES, pct(pass, 50) / 1e6, pct(pass, 99) / 1e6,
                pass[pass.length - 1] / 1e6);
        System.out.printf("reaction once minDuration passed (%d trickle nodes): p50 %.1f ms, max %.1f ms (goal <= 1000 ms)%n",
                reaction.length, pct(reaction, 50) / 1e6, reaction.length == 0 ? 0 : reaction[reaction.length - 1] / 1e6);
        System.out.printf("actions: %s; needsHuman %d; events %s%n", actionCounts, needsHuman, eventCounts);
        System.out.printf("storm (1,500 of 5,000 nodes, 30 %%): actions during the storm %d; budget violations %d%n", stormActions, violations.size());
        violations.stream().limit(10).forEach(v -> System.out.println("  VIOLATION " + v));
        System.out.printf("status writes %,d; last status lists %d nodes (+%d not listed), %d recent actions, phase %s%n", statusWrites,
                lastStatus.nodes().size(), lastStatus.nodesNotListed(), lastStatus.recentActions().size(), lastStatus.phase());
        StringBuilder heap = new StringBuilder();
        liveHeap.forEach((when, bytes) -> heap.append(String.format(" %s %.1f MiB;", when, bytes / 1048576.0)));
        System.out.printf("heap: -Xmx %d MiB, never exceeded; live after a full GC:%s (goal <= 256 MiB)%n", heapMax >> 20, heap);
        boolean ok = violations.isEmpty() && reaction.length == 60 && reaction[reaction.length - 1] <= 1_000_000_000L
                && heapMax <= 256L << 20 && peakLive <= 256L << 20;
        System.out.println(ok ? "RESULT ok" : "RESULT FAILED");
        if (!ok) {
            System.exit(1);
        }
    }

    private static long pct(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
    }
}
