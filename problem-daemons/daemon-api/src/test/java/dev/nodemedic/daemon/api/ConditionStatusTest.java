package dev.nodemedic.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionStatusTest {

    @Test
    void readsTheApiSpellingBothWays() {
        for (ConditionStatus status : ConditionStatus.values()) {
            assertThat(ConditionStatus.fromApiValue(status.apiValue())).isEqualTo(status);
            assertThat(ConditionStatus.fromApi(status.apiValue())).isEqualTo(status);
        }
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "true", "TRUE", "Maybe", "Unknown "})
    void whatANodeHoldsBesidesTrueAndFalseIsUnknown(String onTheNode) {
        assertThat(ConditionStatus.fromApi(onTheNode)).isEqualTo(ConditionStatus.UNKNOWN);
    }

    @Test
    void whatADaemonSendsMustBeOneOfTheThree() {
        assertThatThrownBy(() -> ConditionStatus.fromApiValue("true")).hasMessageContaining("is not one of True, False, Unknown");
    }
}
