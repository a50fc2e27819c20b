package dev.nodemedic.reporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionBookTest {
    private static final ConditionDeclaration DEADLOCK = new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock");
    private static final ConditionDeclaration READONLY = new ConditionDeclaration("ReadonlyFilesystem", "FilesystemIsNotReadOnly", "Filesystem is not read-only");

    private final ManualClock clock = new ManualClock();
    private final List<BookSnapshot> published = new ArrayList<>();
    private final ConditionBook book = new ConditionBook((before, after) -> published.add(after));

    @Test
    void declaredTypesStartAtTheirHealthyDefault() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());

        var held = book.snapshot().get("KernelDeadlock").orElseThrow();
        assertThat(held.owner()).isEqualTo("kernel-log");
        assertThat(held.condition().status()).isEqualTo(ConditionStatus.FALSE);
        assertThat(held.condition().reason()).isEqualTo("KernelHasNoDeadlock");
        assertThat(held.condition().message()).isEqualTo("kernel has no deadlock");
    }

    @Test
    void aTypeHasOneOwner() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());

        assertThatThrownBy(() -> book.declare("other", List.of(READONLY, DEADLOCK), clock.instant()))
                .isInstanceOf(ConditionClaimException.class)
                .hasMessage("condition type KernelDeadlock is already owned by daemon kernel-log");
        assertThat(book.snapshot().get("ReadonlyFilesystem")).as("a refused claim changes nothing").isEmpty();
    }

    private static List<ConditionDeclaration> types(String prefix, int count) {
        List<ConditionDeclaration> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new ConditionDeclaration(prefix + i, "Fine", "fine"));
        }
        return out;
    }

    @Test
    void aDaemonOwnsAtMost32Types() throws Exception {
        assertThatThrownBy(() -> book.declare("greedy", types("Type", 500), clock.instant()))
                .isInstanceOf(ConditionClaimException.class)
                .hasMessage("it declares 500 condition types, at most 32 are allowed per daemon; split it into several daemons or declare fewer types")
                .satisfies(e -> assertThat(((ConditionClaimException) e).overLimit()).isTrue());
        assertThat(book.snapshot().all()).isEmpty();
        book.declare("gpu", types("Gpu", 32), clock.instant());
        assertThat(book.snapshot().all()).hasSize(32);
    }

    @Test
    void aNodeCarriesAtMost64TypesOfAllDaemonsTogether() throws Exception {
        book.declare("a", types("A", 32), clock.instant());
        book.declare("b", types("B", 31), clock.instant());
        book.declare("c", types("C", 1), clock.instant());

        assertThatThrownBy(() -> book.declare("d", types("D", 1), clock.instant()))
                .isInstanceOf(ConditionClaimException.class)
                .hasMessageStartingWith("the node would carry 65 condition types of nodemedic's daemons, at most 64 are allowed per node");
        assertThat(book.snapshot().get("D0")).isEmpty();
        // A daemon declaring again counts its own types once, and may trade one for another.
        book.declare("c", List.of(new ConditionDeclaration("C9", "Fine", "fine")), clock.instant());
        assertThat(book.snapshot().all()).hasSize(64);
        book.withdraw("c");
        book.declare("d", types("D", 1), clock.instant());
        assertThat(book.snapshot().get("D0")).isPresent();
    }

    @Test
    void transitionTimeMovesOnlyWhenStatusChanges() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        clock.advance(Duration.ofMinutes(1));
        var raised = clock.instant();
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", raised);
        clock.advance(Duration.ofMinutes(1));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "AUFSUmountHung", "task umount blocked", clock.instant());

        var condition = book.snapshot().get("KernelDeadlock").orElseThrow().condition();
        assertThat(condition.reason()).isEqualTo("AUFSUmountHung");
        assertThat(condition.lastTransitionTime()).isEqualTo(raised);
    }

    @Test
    void settingTheSameStateAgainPublishesNothing() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        assertThat(book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "m", clock.instant())).isTrue();
        int count = published.size();

        assertThat(book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "m", clock.instant())).isFalse();
        assertThat(published).hasSize(count);
    }

    @Test
    void onlyTheOwnerSetsAType() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        assertThatThrownBy(() -> book.set("intruder", "KernelDeadlock", ConditionStatus.TRUE, "X", "m", clock.instant()))
                .hasMessage("daemon intruder set condition KernelDeadlock but did not declare it");
    }

    @Test
    void aFailedOwnerGoesUnknownAndGetsItsStateBackWhenItDeclaresAgain() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", clock.instant());

        book.markUnknown("kernel-log", "DaemonFailed", "kernel-log stopped: /dev/kmsg permission denied", clock.instant());
        assertThat(book.snapshot().get("KernelDeadlock").orElseThrow().condition().status()).isEqualTo(ConditionStatus.UNKNOWN);

        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        var back = book.snapshot().get("KernelDeadlock").orElseThrow().condition();
        assertThat(back.status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(back.reason()).isEqualTo("DockerHung");
    }

    @Test
    void withdrawRemovesTheOwnersTypesOnly() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        book.declare("disk", List.of(READONLY), clock.instant());

        book.withdraw("kernel-log");

        assertThat(book.snapshot().conditions()).containsOnlyKeys("ReadonlyFilesystem");
        assertThat(book.snapshot().version()).isEqualTo(published.getLast().version());
    }

    @Test
    void declaringAgainDropsTypesNoLongerDeclared() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK, READONLY), clock.instant());
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        assertThat(book.snapshot().conditions()).containsOnlyKeys("KernelDeadlock");
    }

    @Test
    void anAdoptedProblemReplacesTheHealthyDefaultOfAnUntouchedType() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        var raised = clock.instant().minus(Duration.ofMinutes(3));

        book.adopt(Map.of("KernelDeadlock", new Condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", raised)));

        var held = book.snapshot().get("KernelDeadlock").orElseThrow().condition();
        assertThat(held.status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(held.lastTransitionTime()).isEqualTo(raised);
    }

    @Test
    void aTypeDeclaredAfterAdoptionStartsFromTheAdoptedCondition() throws Exception {
        book.adopt(Map.of("KernelDeadlock", new Condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", clock.instant())));

        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());

        assertThat(book.snapshot().get("KernelDeadlock").orElseThrow().condition().reason()).isEqualTo("DockerHung");
    }

    @Test
    void adoptionNeverOverridesWhatTheDaemonSaidSinceItDeclared() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.FALSE, "KernelHasNoDeadlock", "checked: fine", clock.instant());

        book.adopt(Map.of("KernelDeadlock", new Condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", clock.instant())));

        assertThat(book.snapshot().get("KernelDeadlock").orElseThrow().condition().status()).isEqualTo(ConditionStatus.FALSE);
    }

    @Test
    void aProblemTheDaemonReDerivesBeforeTheNodeIsReadKeepsTheNodesTransitionTime() throws Exception {
        var onNode = clock.instant().minus(Duration.ofSeconds(47));
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked again", clock.instant());

        book.adopt(Map.of("KernelDeadlock", new Condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", onNode)));

        var held = book.snapshot().get("KernelDeadlock").orElseThrow().condition();
        assertThat(held.lastTransitionTime()).as("the node never saw it go False").isEqualTo(onNode);
        assertThat(held.message()).as("the daemon's own words").isEqualTo("task docker:7 blocked again");
        clock.advance(Duration.ofSeconds(5));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "task docker:7 blocked", clock.instant());
        assertThat(book.snapshot().get("KernelDeadlock").orElseThrow().condition().lastTransitionTime()).isEqualTo(onNode);
    }

    @Test
    void aHealthyConditionOnTheNodeKeepsItsTransitionTimeAcrossARestart() throws Exception {
        var healthySince = clock.instant().minus(Duration.ofHours(2));
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());

        book.adopt(Map.of("KernelDeadlock", new Condition("KernelDeadlock", ConditionStatus.FALSE, "KernelHasNoDeadlock", "kernel has no deadlock", healthySince)));

        assertThat(book.snapshot().get("KernelDeadlock").orElseThrow().condition().lastTransitionTime()).isEqualTo(healthySince);
    }

    @Test
    void aStatusTheDaemonChangedSinceTheRestartKeepsItsOwnTransitionTime() throws Exception {
        book.declare("kernel-log", List.of(DEADLOCK), clock.instant());
        clock.advance(Duration.ofSeconds(3));
        book.set("kernel-log", "KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", clock.instant());

        book.adopt(Map.of("KernelDeadlock", new Condition("KernelDeadlock", ConditionStatus.FALSE, "KernelHasNoDeadlock", "kernel has no deadlock",
                clock.instant().minus(Duration.ofHours(2)))));

        var held = book.snapshot().get("KernelDeadlock").orElseThrow().condition();
        assertThat(held.status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(held.lastTransitionTime()).isEqualTo(clock.instant());
    }
}
