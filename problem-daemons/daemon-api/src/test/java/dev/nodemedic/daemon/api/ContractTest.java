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

    @ParameterizedTest
    @ValueSource(strings = {"Gpu\u202eeruliaF", "Kernel\u0000Deadlock", "Kernel\u200bDeadlock", "KernelDéadlock", "Kernel\u007fDeadlock"})
    void typesAndReasonsArePrintableAscii(String bad) {
        assertThatThrownBy(() -> new ConditionDeclaration(bad, "Fine", "fine"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("condition type \"")
                .hasMessageContaining("write it in printable ASCII")
                .satisfies(e -> assertThat(e.getMessage()).as("the error shows the character escaped, never raw").matches("\\p{ASCII}*"));
        assertThatThrownBy(() -> new Condition("GpuFailure", ConditionStatus.TRUE, bad, "m", Instant.EPOCH)).hasMessageStartingWith("reason \"");
    }

    @Test
    void aLongMessageIsCutAtACharacterBoundaryAndSaysSo() {
        String euros = "€".repeat(400); // 1,200 bytes in UTF-8
        Condition condition = new Condition("GpuFailure", ConditionStatus.TRUE, "XidError", euros, Instant.EPOCH);

        byte[] bytes = condition.message().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(Condition.MAX_MESSAGE_BYTES).isGreaterThan(Condition.MAX_MESSAGE_BYTES - 6);
        assertThat(condition.message()).endsWith("€…").isEqualTo("€".repeat(340) + "…");
        assertThat(new Event("gpu", Severity.WARNING, "XidError", "x".repeat(70_000), Instant.EPOCH).message())
                .hasSize(1022).endsWith("x…");
        String fits = "é".repeat(512);
        assertThat(new Condition("GpuFailure", ConditionStatus.TRUE, "XidError", fits, Instant.EPOCH).message()).isEqualTo(fits);
        // A pair of surrogates is one character: never cut between them.
        String emoji = "a" + "\uD83D\uDE00".repeat(300);
        assertThat(new Condition("GpuFailure", ConditionStatus.TRUE, "XidError", emoji, Instant.EPOCH).message())
                .isEqualTo("a" + "\uD83D\uDE00".repeat(255) + "…");
    }

    @Test
    void aDeclaredHealthyMessageOverTheBoundIsRefused() {
        assertThatThrownBy(() -> new ConditionDeclaration("GpuFailure", "GpuIsHealthy", "x".repeat(1025)))
                .hasMessage("message: the healthy message of GpuFailure is 1025 bytes in UTF-8, at most 1024 are allowed; shorten it");
        assertThat(new ConditionDeclaration("GpuFailure", "GpuIsHealthy", "x".repeat(1024)).message()).hasSize(1024);
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

    /** A command built against 1.5.0 that runs in an older agent's context learns which version writes its JSON. */
    @Test
    void anOlderAgentsCommandContextSaysWhichVersionWritesJson() {
        CommandContext old = new CommandContext() {
            @Override
            public java.io.PrintStream out() {
                return System.out;
            }

            @Override
            public java.io.PrintStream err() {
                return System.err;
            }

            @Override
            public java.time.Clock clock() {
                return java.time.Clock.systemUTC();
            }

            @Override
            public <T> T bind(java.nio.file.Path file, Class<T> type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.time.Duration duration(String text) {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> old.json(List.of())).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("daemon-api 1.5.0");
    }
}
