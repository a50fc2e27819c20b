package dev.nodemedic.remedy.action;

import dev.nodemedic.apiserver.ApiFailure;
import dev.nodemedic.apiserver.Backoff;
import dev.nodemedic.apiserver.Caller;
import dev.nodemedic.remedy.engine.LabelSelection;
import dev.nodemedic.remedy.event.RemedyEvents;
import dev.nodemedic.remedy.event.RemedyReason;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Drainer} through the Eviction API (policy/v1), as {@code kubectl drain} does it but one
 * round at a time: the API server checks each eviction against the pod's PodDisruptionBudgets and
 * answers 429 when one forbids it; the drainer then names that budget and says when the next round is
 * worth trying, backing off with jitter so many blocked drains do not retry in step.
 */
public final class EvictionDrainer implements Drainer {
    private static final Logger log = LoggerFactory.getLogger(EvictionDrainer.class);
    /** Set by kubelet on the API server's copy of a static pod; evicting it does nothing, kubelet owns it. */
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    /** kubectl drain retries a 429 every 5 s; we start there and back off. */
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(5));
    /** A budget can stay exhausted for long; checking more often than this only loads the API server. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(2);
    /** Evicted pods take their grace period to go; a look this often sees the drain finish promptly. */
    static final Duration TERMINATING_CHECK = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final ClusterPods pods;
    private final RemedyEvents events;
    private final Clock clock;
    private final Mode mode;
    private final RandomGenerator random;
    /** Per node being drained: consecutive rounds that hit a refusal. Entries go when drained or forgotten. */
    private final Map<String, Integer> refusedRounds = new ConcurrentHashMap<>();

    public EvictionDrainer(KubernetesClient client, ClusterPods pods, RemedyEvents events, Clock clock, Mode mode, RandomGenerator random) {
        this.client = Objects.requireNonNull(client, "client");
        this.pods = Objects.requireNonNull(pods, "pods");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public DrainRound round(String node, String policy, DrainOptions options) {
        Instant now = clock.instant();
        if (!pods.synced()) {
            return new DrainRound(node, DrainRound.Outcome.FAILED, List.of(), List.of(), List.of(), Optional.of(now.plus(BACKOFF.first())),
                    "pods and PodDisruptionBudgets not listed yet; the drain of node " + node + " starts once they are");
        }
        List<Pod> movable = new ArrayList<>();
        List<PodRef> terminating = new ArrayList<>();
        for (Pod pod : pods.onNode(node)) {
            if (staysOnNode(pod)) {
                continue;
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                terminating.add(ref(pod));
            } else {
                movable.add(pod);
            }
        }
        boolean started = refusedRounds.containsKey(node);
        if (movable.isEmpty() && terminating.isEmpty()) {
            refusedRounds.remove(node);
            String message = started ? "policy " + policy + " drained node " + node : "node " + node + " has no pods to evict";
            if (mode == Mode.APPLY) {
                // Every drain says when it started and when it ended, even one with nothing to move.
                if (!started) {
                    events.record(node, RemedyReason.RemedyDrainStarted, "policy " + policy + " drains node " + node + ": it has no pods to evict");
                }
                events.record(node, RemedyReason.RemedyDrained, started ? message : "policy " + policy + " drained node " + node + ": it had no pods to evict");
            }
            return new DrainRound(node, DrainRound.Outcome.DRAINED, List.of(), List.of(), List.of(), Optional.empty(), message);
        }
        return mode == Mode.DRY_RUN ? predict(node, policy, movable, terminating) : evict(node, policy, options, movable, terminating, now);
    }

    @Override
    public void forget(String node) {
        refusedRounds.remove(node);
    }

    private DrainRound evict(String node, String policy, DrainOptions options, List<Pod> movable, List<PodRef> terminating, Instant now) {
        if (refusedRounds.putIfAbsent(node, 0) == null) {
            // Before the first eviction is asked for: a round refused whole by a budget is still the drain's start.
            String waiting = "waiting for " + terminating.size() + " terminating";
            events.record(node, RemedyReason.RemedyDrainStarted, "policy " + policy + " drains node " + node + ": " + (movable.isEmpty() ? waiting
                    : "evicting " + names(movable.stream().map(EvictionDrainer::ref).toList()) + (terminating.isEmpty() ? "" : ", " + waiting)));
        }
        List<PodRef> evicted = new ArrayList<>();
        List<PodRef> leftToEvict = new ArrayList<>();
        List<DrainRound.Blocked> blocked = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Pod pod : movable) {
            PodRef ref = ref(pod);
            try {
                if (client.pods().inNamespace(ref.namespace()).withName(ref.name()).evict(eviction(ref, options))) {
                    evicted.add(ref);
                } else {
                    blocked.add(refused(pod));
                    leftToEvict.add(ref);
                }
            } catch (KubernetesClientException e) {
                ApiFailure error = ApiFailure.of(e);
                if (error.notFound()) {
                    continue; // gone already: nothing left to move
                }
                leftToEvict.add(ref);
                if (error.code() == 500 && error.detail().contains("more than one PodDisruptionBudget")) {
                    // The API server refuses to choose between overlapping budgets; only a person can fix the budgets.
                    blocked.add(new DrainRound.Blocked(ref, budgetsSelecting(pod).stream().findFirst().map(ClusterPods::name), error.detail()));
                    continue;
                }
                failures.add(error.explain("evict pod " + ref, Caller.CONTROLLER));
            }
        }
        // An evicted pod is still on the node until its grace period ends: it is terminating, not left to evict.
        List<PodRef> remaining = new ArrayList<>(terminating);
        remaining.addAll(evicted);
        remaining.addAll(leftToEvict);
        String counts = evicted.size() + " evicted, " + leftToEvict.size() + " left to evict, " + (terminating.size() + evicted.size()) + " terminating";
        DrainRound.Outcome outcome;
        Instant next;
        String message;
        if (!blocked.isEmpty() || !failures.isEmpty()) {
            int refused = refusedRounds.merge(node, 1, Integer::sum);
            next = now.plus(BACKOFF.after(refused, MAX_BACKOFF, random));
            outcome = blocked.isEmpty() ? DrainRound.Outcome.FAILED : DrainRound.Outcome.BLOCKED;
            List<String> all = new ArrayList<>(blocked.stream().map(b -> "pod " + b.pod() + ": " + b.why()).toList());
            all.addAll(failures);
            // The first five, then a count: an Event stays readable when a whole Deployment is held back.
            List<String> why = new ArrayList<>(all.subList(0, Math.min(5, all.size())));
            if (all.size() > 5) {
                why.add("and " + (all.size() - 5) + " more");
            }
            message = "drain of node " + node + ": " + counts + "; " + String.join("; ", why);
            // Without the retry time, so that repeats of the same refusal count up on one Event.
            events.record(node, blocked.isEmpty() ? RemedyReason.RemedyFailed : RemedyReason.RemedyDrainBlocked,
                    "drain of node " + node + " (policy " + policy + "): " + String.join("; ", why));
            log.info("drain held back node={} policy={} evicted={} leftToEvict={} nextRound={}: {}", node, policy, evicted.size(), leftToEvict.size(), next,
                    String.join("; ", why));
        } else {
            refusedRounds.put(node, 0);
            next = now.plus(TERMINATING_CHECK);
            outcome = DrainRound.Outcome.IN_PROGRESS;
            message = "drain of node " + node + ": " + counts;
            log.info("drain round node={} policy={} evicted={} terminating={}", node, policy, evicted.size(), terminating.size() + evicted.size());
        }
        return new DrainRound(node, outcome, evicted, remaining, blocked, Optional.of(next), message);
    }

    /** Dry-run: what a round would evict now, and which pods a budget would hold back by its current status. */
    private DrainRound predict(String node, String policy, List<Pod> movable, List<PodRef> terminating) {
        List<PodRef> wouldEvict = new ArrayList<>();
        List<DrainRound.Blocked> blocked = new ArrayList<>();
        for (Pod pod : movable) {
            Optional<PodDisruptionBudget> exhausted = budgetsSelecting(pod).stream().filter(b -> allowed(b) < 1).findFirst();
            if (exhausted.isPresent()) {
                blocked.add(new DrainRound.Blocked(ref(pod), Optional.of(ClusterPods.name(exhausted.get())), budgetSays(exhausted.get())));
            } else {
                wouldEvict.add(ref(pod));
            }
        }
        List<PodRef> remaining = new ArrayList<>(terminating);
        movable.stream().map(EvictionDrainer::ref).forEach(remaining::add);
        String message = "would evict " + (wouldEvict.isEmpty() ? "no pod" : names(wouldEvict)) + " from node " + node + " (policy " + policy
                + ", dry-run)" + (blocked.isEmpty() ? "" : "; held back: " + blocked.stream().map(b -> "pod " + b.pod() + ": " + b.why())
                .collect(Collectors.joining("; ")));
        log.info("dry-run, not evicted node={} policy={}: {}", node, policy, message);
        return new DrainRound(node, DrainRound.Outcome.WOULD_EVICT, wouldEvict, remaining, blocked, Optional.empty(), message);
    }

    /** A 429: the budget that selects the pod, with its numbers; none means the API server throttled us. */
    private DrainRound.Blocked refused(Pod pod) {
        List<PodDisruptionBudget> selecting = budgetsSelecting(pod);
        if (selecting.isEmpty()) {
            return new DrainRound.Blocked(ref(pod), Optional.empty(), "the API server answered 429 (too many requests) and no PodDisruptionBudget selects the pod");
        }
        PodDisruptionBudget budget = selecting.stream().filter(b -> allowed(b) < 1).findFirst().orElse(selecting.getFirst());
        return new DrainRound.Blocked(ref(pod), Optional.of(ClusterPods.name(budget)), budgetSays(budget));
    }

    private List<PodDisruptionBudget> budgetsSelecting(Pod pod) {
        return pods.budgetsIn(pod.getMetadata().getNamespace()).stream()
                .filter(b -> selects(b, pod))
                .toList();
    }

    /** policy/v1: an empty selector selects every pod of the namespace, a missing one selects none. */
    private static boolean selects(PodDisruptionBudget budget, Pod pod) {
        if (budget.getSpec() == null || budget.getSpec().getSelector() == null) {
            return false;
        }
        LabelSelection selection = LabelSelection.of(budget.getSpec().getSelector(), (field, problem) -> new IllegalArgumentException(
                "PodDisruptionBudget " + ClusterPods.name(budget) + " spec.selector." + field + ": " + problem));
        return selection.selects(pod.getMetadata().getLabels());
    }

    private static int allowed(PodDisruptionBudget budget) {
        PodDisruptionBudgetStatus status = budget.getStatus();
        return status == null || status.getDisruptionsAllowed() == null ? 0 : status.getDisruptionsAllowed();
    }

    private static String budgetSays(PodDisruptionBudget budget) {
        PodDisruptionBudgetStatus status = budget.getStatus();
        String numbers = status == null ? "no status yet"
                : status.getCurrentHealthy() + " healthy, " + status.getDesiredHealthy() + " needed";
        return "PodDisruptionBudget " + ClusterPods.name(budget) + " allows " + allowed(budget) + " disruptions now (" + numbers + ")";
    }

    private Eviction eviction(PodRef pod, DrainOptions options) {
        EvictionBuilder builder = new EvictionBuilder().withNewMetadata().withName(pod.name()).withNamespace(pod.namespace()).endMetadata();
        options.gracePeriod().ifPresent(grace -> builder.withDeleteOptions(new DeleteOptionsBuilder().withGracePeriodSeconds(grace.toSeconds()).build()));
        return builder.build();
    }

    /** DaemonSet pods come straight back (and tolerate the cordon), mirror pods belong to kubelet, finished pods hold no work. */
    static boolean staysOnNode(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey(MIRROR_ANNOTATION)) {
            return true;
        }
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        if (owners != null && owners.stream().anyMatch(o -> "DaemonSet".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))) {
            return true;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static PodRef ref(Pod pod) {
        return new PodRef(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    /** At most five names, then a count: an Event message stays readable for a node with a hundred pods. */
    private static String names(List<PodRef> pods) {
        String shown = pods.stream().limit(5).map(PodRef::toString).collect(Collectors.joining(", "));
        return pods.size() > 5 ? shown + " and " + (pods.size() - 5) + " more" : shown;
    }
}
