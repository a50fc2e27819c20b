package dev.nodemedic.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ContractTest {

    @ParameterizedTest
    @ValueSource(strings = {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"})
    void kubeletConditionTypesCannotBeDeclared(String type) {
        assertThatThrownBy(() -> new ConditionDeclaration(type, "Fine", "fine"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("condition type " + type + " belongs to kubelet and cannot be declared by a daemon");
    }

    @ParameterizedTest
    @ValueSource(strings = {"KernelDeadlock", "NotReady", "ReadyForWork", "ready", "DiskPressureSoon"})
    void typesThatOnlyResembleKubeletsAreADaemonsOwn(String type) {
        // Only kubelet's exact types are refused: a prefix or case-blind check would take these from daemons.
        assertThatCode(() -> new ConditionDeclaration(type, "Fine", "fine")).doesNotThrowAnyException();
    }

    @Test
    void aMissingDefaultMessageIsEmptyText() {
        assertThat(new ConditionDeclaration("KernelDeadlock", "KernelHasNoDeadlock", null).message()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Kernel Deadlock", "Tab\tHere"})
    void typesAndReasonsAreOneWord(String bad) {
        assertThatThrownBy(() -> new Event("kernel-monitor", Severity.WARNING, bad, "m", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reason");
    }

    @Test
    void overlongReasonIsRefusedWithItsLength() {
        assertThatThrownBy(() -> new Condition("A".repeat(129), ConditionStatus.TRUE, "R", "m", Instant.EPOCH))
                .hasMessageContaining("is 129 characters, at most 128");
    }

    @Test
    void statusReadsTheApiSpellingBack() {
        for (ConditionStatus status : ConditionStatus.values()) {
            assertThat(ConditionStatus.fromApiValue(status.apiValue())).isEqualTo(status);
        }
        assertThatThrownBy(() -> ConditionStatus.fromApiValue("true")).hasMessageContaining("not one of True, False, Unknown");
    }

    @Test
    void severityBecomesTheEventType() {
        assertThat(Severity.WARNING.eventType()).isEqualTo("Warning");
        assertThat(Severity.INFO.eventType()).isEqualTo("Normal");
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(DaemonApi.VERSION).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void aReasonIsAnEventsOrAConditionsWhileTrue() {
        assertThat(ReasonDeclaration.event("OOMKilling").conditionType()).isEmpty();
        assertThat(ReasonDeclaration.condition("KernelDeadlock", "DockerHung").conditionType()).contains("KernelDeadlock");
        assertThatThrownBy(() -> ReasonDeclaration.event("OOM Killing")).hasMessage("reason \"OOM Killing\" must be one word, such as KernelDeadlock (no spaces)");
        assertThatThrownBy(() -> ReasonDeclaration.condition("", "DockerHung")).hasMessage("condition type must not be empty");
    }

    @Test
    void aDaemonBuiltBeforeReasonsDeclaresNone() {
        ProblemDaemon<NoConfig> old = new ProblemDaemon<>() {
            public String name() {
                return "old";
            }

            public Class<NoConfig> configType() {
                return NoConfig.class;
            }

            public List<ConditionDeclaration> conditions(NoConfig config) {
                return List.of();
            }

            public void start(DaemonContext<NoConfig> context) {
            }

            public void stop() {
            }
        };
        assertThat(old.reasons(new NoConfig())).isEmpty();
    }

    @Test
    void sameStateIgnoresTransitionTime() {
        Condition a = new Condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", Instant.EPOCH);
        Condition b = new Condition("KernelDeadlock", ConditionStatus.TRUE, "DockerHung", "hung", Instant.EPOCH.plusSeconds(5));
        assertThat(a.sameStateAs(b)).isTrue();
        assertThat(a.sameStateAs(new Condition("KernelDeadlock", ConditionStatus.FALSE, "DockerHung", "hung", Instant.EPOCH))).isFalse();
    }
}
