package dev.nodemedic.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The kubelet's rule for a container's process, on an image like ours (entrypoint with a sub-command, Cmd with its arguments). */
class ContainerCommandTest {
    private static final ImageConfig IMAGE = new ImageConfig(List.of("/usr/bin/tini", "--", "/opt/app/bin/app", "run"), List.of("--config", "/etc/app.yaml"),
            List.of(), "/", "", "linux/amd64");

    @Test
    void neitherCommandNorArgsRunsTheImageAsItIs() {
        assertThat(ContainerCommand.of(IMAGE, List.of(), List.of()).argv()).containsExactly("/usr/bin/tini", "--", "/opt/app/bin/app", "run", "--config",
                "/etc/app.yaml");
    }

    @Test
    void argsReplaceTheImagesCmdAndKeepItsEntrypoint() {
        assertThat(ContainerCommand.of(IMAGE, List.of(), List.of("run", "--port=8080")).argv())
                .as("the remedy Deployment's old args: run twice").containsExactly("/usr/bin/tini", "--", "/opt/app/bin/app", "run", "run", "--port=8080");
    }

    @Test
    void aCommandAloneReplacesTheEntrypointAndDropsTheImagesCmd() {
        assertThat(ContainerCommand.of(IMAGE, List.of("/bin/sh", "-ec", "cp a b"), List.of()).argv()).containsExactly("/bin/sh", "-ec", "cp a b");
    }

    @Test
    void commandAndArgsReplaceBoth() {
        assertThat(ContainerCommand.of(IMAGE, List.of("/bin/sh"), List.of("-c", "true")).argv()).containsExactly("/bin/sh", "-c", "true");
    }

    @Test
    void anUnexpandedVariableIsRefusedRatherThanRunAsTheKubeletNeverWould() {
        assertThatThrownBy(() -> ContainerCommand.of(IMAGE, List.of(), List.of("--node=$(NODE_NAME)"))).hasMessageContaining("$(VAR)");
    }
}
