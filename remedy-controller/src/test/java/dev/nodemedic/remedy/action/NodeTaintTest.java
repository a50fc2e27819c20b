package dev.nodemedic.remedy.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeTaintTest {
    @ParameterizedTest
    @ValueSource(strings = {"remedy.nodemedic.dev/unhealthy=KernelDeadlock:NoSchedule", "dedicated:NoExecute", "k=:PreferNoSchedule"})
    void readsBackWhatItWrites(String text) {
        NodeTaint taint = NodeTaint.parse(text);

        assertThat(NodeTaint.parse(taint.toString())).isEqualTo(taint);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-effect", "k=v:NoWay", ":NoSchedule"})
    void aMalformedTaintSaysWhatIsWrong(String text) {
        assertThatThrownBy(() -> NodeTaint.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taint");
    }
}
