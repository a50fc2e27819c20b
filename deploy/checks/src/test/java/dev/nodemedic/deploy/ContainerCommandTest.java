package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kubelet's rule for a container's process, on an image like ours (entrypoint with a sub-command, Cmd with its arguments). */
class ContainerCommandTest {
    private static final ImageConfig IMAGE = new ImageConfig(List.of("/usr/bin/tini", "--", "/opt/app/bin/app", "run"), List.of("--config", "/etc/app.yaml"),
            List.of(), "/", "", "linux/amd64");

    @Test
    void neitherCommandNorArgsRunsTheImageAsItIs() {
        assertThat(ContainerCommand.of(IMAGE, List.of(), List.of(), Map.of()).argv()).containsExactly("/usr/bin/tini", "--", "/opt/app/bin/app", "run", "--config",
                "/etc/app.yaml");
    }

    @Test
    void argsReplaceTheImagesCmdAndKeepItsEntrypoint() {
        assertThat(ContainerCommand.of(IMAGE, List.of(), List.of("run", "--port=8080"), Map.of()).argv())
                .as("the remedy Deployment's old args: run twice").containsExactly("/usr/bin/tini", "--", "/opt/app/bin/app", "run", "run", "--port=8080");
    }

    @Test
    void aCommandAloneReplacesTheEntrypointAndDropsTheImagesCmd() {
        assertThat(ContainerCommand.of(IMAGE, List.of("/bin/sh", "-ec", "cp a b"), List.of(), Map.of()).argv()).containsExactly("/bin/sh", "-ec", "cp a b");
    }

    @Test
    void commandAndArgsReplaceBoth() {
        assertThat(ContainerCommand.of(IMAGE, List.of("/bin/sh"), List.of("-c", "true"), Map.of()).argv()).containsExactly("/bin/sh", "-c", "true");
    }

    @Test
    void variablesInCommandAndArgsAreExpandedFromTheEnvAsTheKubeletDoes() {
        Map<String, String> env = Map.of("POD_IP", "10.0.0.7", "NODE_NAME", "node-a");
        assertThat(ContainerCommand.of(IMAGE, List.of(), List.of("--metrics-address=$(POD_IP)", "--node=$(NODE_NAME)"), env).argv())
                .endsWith("--metrics-address=10.0.0.7", "--node=node-a");
        assertThat(ContainerCommand.of(IMAGE, List.of("/bin/echo", "$(NODE_NAME)"), List.of(), env).argv()).containsExactly("/bin/echo", "node-a");
    }

    @Test
    void anEscapedOrUnknownVariableStaysAsWritten() {
        Map<String, String> env = Map.of("POD_IP", "10.0.0.7");
        assertThat(ContainerCommand.expand("$$(POD_IP)", env)).isEqualTo("$(POD_IP)");
        assertThat(ContainerCommand.expand("$(MISSING)-$(POD_IP)", env)).isEqualTo("$(MISSING)-10.0.0.7");
        assertThat(ContainerCommand.expand("a$b$", env)).isEqualTo("a$b$");
        assertThat(ContainerCommand.expand("$(unclosed", env)).isEqualTo("$(unclosed");
    }
}
