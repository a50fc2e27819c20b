package dev.nodemedic.remedy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectionTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

    private static LabelSelection read(LabelSelector selector) {
        return LabelSelection.of(selector, (field, problem) -> new IllegalArgumentException("selector." + field + ": " + problem));
    }

    private static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator).withValues(values).endMatchExpression().build();
    }

    @Test
    void anEmptySelectorSelectsEverythingEvenAnObjectWithoutLabels() {
        assertThat(read(new LabelSelector()).selects(WEB)).isTrue();
        assertThat(read(new LabelSelector()).selects(null)).isTrue();
    }

    @Test
    void everyMatchLabelMustHold() {
        assertThat(read(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build()).selects(WEB)).isTrue();
        assertThat(read(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web", "tier", "back")).build()).selects(WEB)).isFalse();
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
            "app,  In,           web,  true",
            "app,  In,           db,   false",
            "app,  NotIn,        db,   true",
            "zone, NotIn,        a,    true",
            "app,  NotIn,        web,  false",
            "tier, Exists,       ,     true",
            "zone, Exists,       ,     false",
            "zone, DoesNotExist, ,     true",
            "app,  DoesNotExist, ,     false",
    })
    void expressionsFollowTheApiServersOperators(String key, String operator, String value, boolean selected) {
        String[] values = value == null ? new String[0] : new String[] {value};

        assertThat(read(expression(key, operator, values)).selects(WEB)).isEqualTo(selected);
    }

    @Test
    void whatTheApiServerWouldRefuseIsNamedByField() {
        assertThatThrownBy(() -> read(expression("app", "Like", "w*")))
                .hasMessage("selector.matchExpressions[0].operator: \"Like\" is not one of In, NotIn, Exists, DoesNotExist");
        assertThatThrownBy(() -> read(expression("app", "In")))
                .hasMessage("selector.matchExpressions[0].values: must not be empty for In");
        assertThatThrownBy(() -> read(expression("app", "Exists", "web")))
                .hasMessage("selector.matchExpressions[0].values: must be empty for Exists");
        assertThatThrownBy(() -> read(expression(" ", "Exists")))
                .hasMessage("selector.matchExpressions[0].key: is missing");
    }
}
