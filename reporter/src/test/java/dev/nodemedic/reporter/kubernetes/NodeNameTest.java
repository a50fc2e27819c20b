package dev.nodemedic.reporter.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeNameTest {
    @Test
    void configWinsThenNodeNameThenTheHostName() {
        assertThat(NodeName.resolve(Optional.of("from-config"), Map.of("NODE_NAME", "from-env"), () -> "host")).hasToString("from-config");
        assertThat(NodeName.resolve(Optional.empty(), Map.of("NODE_NAME", "from-env"), () -> "host")).hasToString("from-env");
        assertThat(NodeName.resolve(Optional.empty(), Map.of(), () -> "Worker-1.Example")).hasToString("worker-1.example");
    }

    @Test
    void anInvalidNameIsRefusedWithTheRule() {
        assertThatThrownBy(() -> NodeName.resolve(Optional.of("bad_name"), Map.of(), () -> "h"))
                .hasMessageContaining("\"bad_name\" is not a valid Kubernetes object name");
    }
}
