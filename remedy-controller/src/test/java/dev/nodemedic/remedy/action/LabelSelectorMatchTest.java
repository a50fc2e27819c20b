package dev.nodemedic.remedy.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorMatchTest {
    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

    private static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator).withValues(values).endMatchExpression().build();
    }

    @Test
    void anEmptySelectorSelectsEverythingAndNoSelectorSelectsNothing() {
        assertThat(LabelSelectorMatch.matches(new LabelSelector(), WEB)).isTrue();
        assertThat(LabelSelectorMatch.matches(new LabelSelector(), null)).isTrue();
        assertThat(LabelSelectorMatch.matches(null, WEB)).isFalse();
    }

    @Test
    void everyMatchLabelMustHold() {
        assertThat(LabelSelectorMatch.matches(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build(), WEB)).isTrue();
        assertThat(LabelSelectorMatch.matches(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web", "tier", "back")).build(), WEB)).isFalse();
    }

    @Test
    void expressionsFollowTheApiServersOperators() {
        assertThat(LabelSelectorMatch.matches(expression("app", "In", "web", "api"), WEB)).isTrue();
        assertThat(LabelSelectorMatch.matches(expression("app", "In", "db"), WEB)).isFalse();
        assertThat(LabelSelectorMatch.matches(expression("app", "NotIn", "db"), WEB)).isTrue();
        assertThat(LabelSelectorMatch.matches(expression("zone", "NotIn", "a"), WEB)).isTrue();
        assertThat(LabelSelectorMatch.matches(expression("tier", "Exists"), WEB)).isTrue();
        assertThat(LabelSelectorMatch.matches(expression("zone", "Exists"), WEB)).isFalse();
        assertThat(LabelSelectorMatch.matches(expression("zone", "DoesNotExist"), WEB)).isTrue();
        assertThat(LabelSelectorMatch.matches(expression("app", "DoesNotExist"), WEB)).isFalse();
    }

    @Test
    void anUnknownOperatorIsNamed() {
        assertThatThrownBy(() -> LabelSelectorMatch.matches(expression("app", "Like", "w*"), WEB))
                .hasMessage("label selector operator \"Like\" for key app is not one of In, NotIn, Exists, DoesNotExist");
    }
}
