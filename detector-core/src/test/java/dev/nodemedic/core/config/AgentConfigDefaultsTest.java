package dev.nodemedic.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.config.ConfigBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start with no agent config file gets what an empty file gives, without Jackson. */
class AgentConfigDefaultsTest {
    @TempDir
    Path work;

    @Test
    void theDefaultsAreWhatBindingAnEmptyObjectGives() throws Exception {
        assertThat(AgentConfig.defaults()).isEqualTo(new ConfigBinder().defaults(AgentConfig.class));
    }

    @Test
    void noFileLoadsAsAnEmptyFileDoesWithPathsFromTheHome() throws Exception {
        Path empty = work.resolve("home/nodemedic.yaml");
        Files.createDirectories(empty.getParent());
        Files.writeString(empty, "{}\n");
        AgentConfigLoader loader = new AgentConfigLoader(new ConfigBinder());

        AgentConfig withoutFile = loader.load(Optional.empty(), empty.getParent());

        assertThat(withoutFile).isEqualTo(loader.load(Optional.of(empty), work.resolve("elsewhere")));
        assertThat(withoutFile.pluginsDir()).isEqualTo(empty.getParent().resolve("plugins"));
    }
}
