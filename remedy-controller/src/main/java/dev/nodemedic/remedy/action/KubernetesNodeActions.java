package dev.nodemedic.remedy.action;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.ApiTime;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.remedy.event.RemedyEvents;
import dev.nodemedic.remedy.event.RemedyReason;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NodeActions} on the API server. Each action reads the node, works out one JSON patch (the
 * change and our marks together, so a node never carries a cordon without its mark), and sends it with
 * the node's {@code resourceVersion} as a precondition: a write racing another writer fails with 409 and
 * is worked out again from the fresh node, so a taint or annotation someone else just added is never lost.
 */
public final class KubernetesNodeActions implements NodeActions {
    private static final Logger log = LoggerFactory.getLogger(KubernetesNodeActions.class);
    private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);
    /** Tries per action when the node changed under us (409); more means a writer fighting us, better reported than won. */
    static final int ATTEMPTS = 3;

    private final KubernetesClient client;
    private final RemedyEvents events;
    private final Clock clock;
    private final Mode mode;

    public KubernetesNodeActions(KubernetesClient client, RemedyEvents events, Clock clock, Mode mode) {
        this.client = Objects.requireNonNull(client, "client");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** What an action means for the node as it is now. */
    private sealed interface Plan {
        /**
         * @param annotations our marks to set; a {@code null} value removes the mark
         * @param spec        the {@code spec} fields to set; a {@code null} value removes the field
         * @param did         the sentence for the Event and the result, in the past tense
         * @param wouldDo     the same in dry-run
         */
        record Write(Map<String, String> annotations, Map<String, Object> spec, RemedyReason reason, String did, String wouldDo) implements Plan {
        }

        /** Nothing to write; {@code reason} when a person should still hear about it. */
        record Keep(String why, Optional<RemedyReason> reason) implements Plan {
        }

        record Refuse(String why) implements Plan {
        }
    }

    @Override
    public ActionResult taint(String node, String policy, NodeTaint taint) {
        return act(ActionKind.TAINT, node, policy, current -> {
            List<Taint> taints = taints(current);
            List<NodeTaint> ours = ourTaints(current);
            boolean present = taints.stream().anyMatch(t -> taint.sameAs(t.getKey(), t.getEffect()));
            if (present && ours.stream().anyMatch(t -> t.sameAs(taint.key(), taint.effect()))) {
                return new Plan.Keep("node " + node + " already has taint " + taint + " from policy " + policy, Optional.empty());
            }
            if (present) {
                return new Plan.Keep("node " + node + " already has a taint " + taint.key() + ":" + taint.effect()
                        + " that someone else set; it is not marked as ours, so recovery leaves it", Optional.empty());
            }
            List<Taint> after = new ArrayList<>(taints);
            after.add(apiTaint(taint));
            List<NodeTaint> oursAfter = new ArrayList<>(ours);
            oursAfter.add(taint);
            Map<String, String> marks = new LinkedHashMap<>();
            marks.put(RemedyAnnotations.POLICY, policy);
            marks.put(RemedyAnnotations.TAINTS, oursAfter.stream().map(NodeTaint::toString).collect(Collectors.joining(",")));
            return new Plan.Write(marks, Map.of("taints", after), RemedyReason.RemedyTainted,
                    "policy " + policy + " tainted node " + node + " with " + taint,
                    "would taint node " + node + " with " + taint + " (policy " + policy + ", dry-run)");
        });
    }

    @Override
    public ActionResult cordon(String node, String policy) {
        return act(ActionKind.CORDON, node, policy, current -> {
            if (unschedulable(current)) {
                return cordonedByUs(current)
                        ? new Plan.Keep("node " + node + " is already cordoned by policy " + policy, Optional.empty())
                        : new Plan.Keep("node " + node + " was already cordoned by someone else; that cordon is theirs and stays after recovery",
                                Optional.of(RemedyReason.RemedyCordonKept));
            }
            Map<String, String> marks = new LinkedHashMap<>();
            marks.put(RemedyAnnotations.POLICY, policy);
            marks.put(RemedyAnnotations.CORDONED, "true");
            return new Plan.Write(marks, Map.of("unschedulable", true), RemedyReason.RemedyCordoned,
                    "policy " + policy + " cordoned node " + node,
                    "would cordon node " + node + " (policy " + policy + ", dry-run)");
        });
    }

    @Override
    public ActionResult requestReboot(String node, String policy, String why) {
        return act(ActionKind.REQUEST_REBOOT, node, policy, current -> {
            Optional<String> asked = annotation(current, RemedyAnnotations.REBOOT_REQUESTED);
            if (asked.isPresent()) {
                return new Plan.Keep("a reboot of node " + node + " was already requested at " + asked.get(), Optional.empty());
            }
            String now = ApiTime.format(clock.instant());
            Map<String, String> marks = new LinkedHashMap<>();
            marks.put(RemedyAnnotations.POLICY, policy);
            marks.put(RemedyAnnotations.REBOOT_REQUESTED, now);
            return new Plan.Write(marks, Map.of(), RemedyReason.RemedyRebootRequested,
                    "policy " + policy + " requests a reboot of node " + node + ": " + why + " (annotation "
                            + RemedyAnnotations.REBOOT_REQUESTED + "=" + now + ", for kured or the operator's reboot hook)",
                    "would request a reboot of node " + node + ": " + why + " (policy " + policy + ", dry-run)");
        });
    }

    @Override
    public ActionResult undo(String node, String policy) {
        return act(ActionKind.UNDO, node, policy, current -> {
            List<NodeTaint> ours = ourTaints(current);
            boolean cordoned = cordonedByUs(current);
            boolean reboot = annotation(current, RemedyAnnotations.REBOOT_REQUESTED).isPresent();
            boolean marked = annotation(current, RemedyAnnotations.POLICY).isPresent();
            if (ours.isEmpty() && !cordoned && !reboot && !marked) {
                return new Plan.Keep("nothing of policy " + policy + " to undo on node " + node, Optional.empty());
            }
            List<String> done = new ArrayList<>();
            Map<String, Object> spec = new LinkedHashMap<>();
            List<Taint> taints = taints(current);
            List<Taint> kept = taints.stream().filter(t -> ours.stream().noneMatch(o -> o.sameAs(t.getKey(), t.getEffect()))).toList();
            if (kept.size() != taints.size()) {
                spec.put("taints", kept.isEmpty() ? null : kept);
                done.add("removed taint " + ours.stream().map(NodeTaint::toString).collect(Collectors.joining(", ")));
            }
            if (cordoned && unschedulable(current)) {
                spec.put("unschedulable", null);
                done.add("uncordoned it");
            } else if (unschedulable(current)) {
                done.add("left someone else's cordon in place");
            }
            if (reboot) {
                done.add("withdrew the reboot request");
            }
            if (done.isEmpty()) {
                done.add("removed its marks");
            }
            Map<String, String> marks = new LinkedHashMap<>();
            for (String key : List.of(RemedyAnnotations.POLICY, RemedyAnnotations.CORDONED, RemedyAnnotations.TAINTS, RemedyAnnotations.REBOOT_REQUESTED)) {
                if (annotation(current, key).isPresent()) {
                    marks.put(key, null);
                }
            }
            String what = String.join(", ", done);
            return new Plan.Write(marks, spec, RemedyReason.RemedyUndone,
                    "node " + node + " recovered: policy " + policy + " " + what,
                    "would undo policy " + policy + "'s actions on node " + node + ": " + what + " (dry-run)");
        });
    }

    private ActionResult act(ActionKind kind, String node, String policy, Function<Node, Plan> planner) {
        for (int attempt = 1; ; attempt++) {
            Node current;
            try {
                current = client.nodes().withName(node).get();
            } catch (KubernetesClientException e) {
                return failed(kind, node, policy, ApiFailure.of(e).explain("get node " + node, Caller.CONTROLLER));
            }
            if (current == null) {
                return new ActionResult(kind, node, ActionResult.Outcome.REFUSED, "node " + node + " does not exist");
            }
            Optional<String> owner = annotation(current, RemedyAnnotations.POLICY);
            if (owner.isPresent() && !owner.get().equals(policy)) {
                return new ActionResult(kind, node, ActionResult.Outcome.REFUSED, "node " + node + " carries policy " + owner.get()
                        + "'s actions (annotation " + RemedyAnnotations.POLICY + "); policy " + policy + " leaves it alone");
            }
            switch (planner.apply(current)) {
                case Plan.Refuse refuse -> {
                    return new ActionResult(kind, node, ActionResult.Outcome.REFUSED, refuse.why());
                }
                case Plan.Keep keep -> {
                    if (mode == Mode.APPLY) {
                        keep.reason().ifPresent(reason -> events.record(node, reason, keep.why()));
                    }
                    return new ActionResult(kind, node, ActionResult.Outcome.UNCHANGED, keep.why());
                }
                case Plan.Write write -> {
                    if (mode == Mode.DRY_RUN) {
                        log.info("dry-run, not written action={} node={} policy={}: {}", kind.label(), node, policy, write.wouldDo());
                        return new ActionResult(kind, node, ActionResult.Outcome.WOULD_APPLY, write.wouldDo());
                    }
                    try {
                        // With the node in hand fabric8 sends the patch straight away instead of reading the node again.
                        client.nodes().resource(current).patch(JSON_PATCH, patch(current, write));
                    } catch (KubernetesClientException e) {
                        ApiFailure error = ApiFailure.of(e);
                        if (error.conflict() && attempt < ATTEMPTS) {
                            continue;
                        }
                        if (error.notFound()) {
                            return new ActionResult(kind, node, ActionResult.Outcome.REFUSED, "node " + node + " does not exist");
                        }
                        return failed(kind, node, policy, error.explain("patch node " + node, Caller.CONTROLLER));
                    }
                    log.info("node changed action={} node={} policy={}: {}", kind.label(), node, policy, write.did());
                    events.record(node, write.reason(), write.did());
                    return new ActionResult(kind, node, ActionResult.Outcome.APPLIED, write.did());
                }
            }
        }
    }

    private ActionResult failed(ActionKind kind, String node, String policy, String why) {
        log.warn("action failed action={} node={} policy={}: {}", kind.label(), node, policy, why);
        if (mode == Mode.APPLY) {
            events.record(node, RemedyReason.RemedyFailed, kind.label() + " for policy " + policy + ": " + why);
        }
        return new ActionResult(kind, node, ActionResult.Outcome.FAILED, why);
    }

    /**
     * The JSON patch (RFC 6902): first the resourceVersion the plan was worked out from, which the API
     * server takes as a precondition (409 when the node changed since), then one operation per mark and
     * spec field. Only fields the plan names are touched; a list is replaced whole, which the precondition
     * makes safe.
     */
    private String patch(Node current, Plan.Write write) {
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(op("replace", "/metadata/resourceVersion", current.getMetadata().getResourceVersion()));
        Map<String, String> annotations = current.getMetadata().getAnnotations();
        if (annotations == null) {
            Map<String, String> added = new LinkedHashMap<>();
            write.annotations().forEach((key, value) -> {
                if (value != null) {
                    added.put(key, value);
                }
            });
            if (!added.isEmpty()) {
                ops.add(op("add", "/metadata/annotations", added));
            }
        } else {
            write.annotations().forEach((key, value) -> {
                if (value != null) {
                    ops.add(op("add", "/metadata/annotations/" + pointer(key), value));
                } else if (annotations.containsKey(key)) {
                    ops.add(Map.of("op", "remove", "path", "/metadata/annotations/" + pointer(key)));
                }
            });
        }
        if (current.getSpec() == null) {
            ops.add(op("add", "/spec", Map.of()));
        }
        write.spec().forEach((field, value) -> {
            if (value != null) {
                ops.add(op("add", "/spec/" + pointer(field), value));
            } else if (specHas(current, field)) {
                ops.add(Map.of("op", "remove", "path", "/spec/" + pointer(field)));
            }
        });
        return client.getKubernetesSerialization().asJson(ops);
    }

    /** Whether the node has the spec field a plan may remove (remove of an absent member fails the whole patch). */
    private static boolean specHas(Node node, String field) {
        if (node.getSpec() == null) {
            return false;
        }
        return switch (field) {
            case "taints" -> node.getSpec().getTaints() != null;
            case "unschedulable" -> node.getSpec().getUnschedulable() != null;
            default -> throw new IllegalArgumentException("no plan removes spec." + field);
        };
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("op", op);
        operation.put("path", path);
        operation.put("value", value);
        return operation;
    }

    /** A JSON pointer segment (RFC 6901): annotation keys hold '/'. */
    private static String pointer(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private Taint apiTaint(NodeTaint taint) {
        TaintBuilder builder = new TaintBuilder().withKey(taint.key()).withValue(taint.value().orElse(null)).withEffect(taint.effect());
        if (taint.effect().equals("NoExecute")) {
            // The taint manager counts tolerationSeconds from timeAdded; the API server does not fill it in for a patch.
            builder.withTimeAdded(ApiTime.format(clock.instant()));
        }
        return builder.build();
    }

    private static List<Taint> taints(Node node) {
        return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    }

    private static boolean unschedulable(Node node) {
        return node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    }

    private static boolean cordonedByUs(Node node) {
        return annotation(node, RemedyAnnotations.CORDONED).filter("true"::equals).isPresent();
    }

    /** The taints our mark lists; an entry a person mangled is skipped, so we never remove what we cannot name. */
    private static List<NodeTaint> ourTaints(Node node) {
        return annotation(node, RemedyAnnotations.TAINTS).stream()
                .flatMap(text -> Arrays.stream(text.split(",")))
                .map(String::strip)
                .filter(entry -> !entry.isEmpty())
                .flatMap(entry -> {
                    try {
                        return java.util.stream.Stream.of(NodeTaint.parse(entry));
                    } catch (IllegalArgumentException e) {
                        log.warn("unreadable taint in our mark, left alone node={} annotation={} entry=\"{}\": {}",
                                node.getMetadata().getName(), RemedyAnnotations.TAINTS, entry, e.getMessage());
                        return java.util.stream.Stream.empty();
                    }
                })
                .toList();
    }

    static Optional<String> annotation(Node node, String key) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return annotations == null ? Optional.empty() : Optional.ofNullable(annotations.get(key));
    }
}
