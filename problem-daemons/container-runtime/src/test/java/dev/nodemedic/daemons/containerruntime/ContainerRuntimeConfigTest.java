package dev.nodemedic.daemons.containerruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerRuntimeConfigTest {
    private final ConfigBinder binder = new ConfigBinder();

    @Test
    void withoutAFileEverythingHasItsDefault() throws Exception {
        ContainerRuntimeConfig config = binder.defaults(ContainerRuntimeConfig.class);

        assertThat(config.endpoints()).containsExactly(URI.create("unix:///run/containerd/containerd.sock"),
                URI.create("unix:///run/crio/crio.sock"), URI.create("unix:///var/run/cri-dockerd.sock"));
        assertThat(config.sockets()).containsExactly(Path.of("/run/containerd/containerd.sock"), Path.of("/run/crio/crio.sock"),
                Path.of("/var/run/cri-dockerd.sock"));
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.systemctl()).isEqualTo(Path.of("/usr/bin/systemctl"));
        assertThat(config.restartThreshold()).isEqualTo(5);
        assertThat(config.restartWindow()).isEqualTo(Duration.ofMinutes(20));
        assertThat(config.restartInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void bindsFromYamlWithCrictlsEndpointSyntax(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("container-runtime.yaml");
        Files.writeString(file, """
                endpoints:
                  - unix:///run/k3s/containerd/containerd.sock
                interval: 30s
                timeout: 2s
                restartThreshold: 3
                restartWindow: 1h
                """);

        ContainerRuntimeConfig config = binder.bind(file, ContainerRuntimeConfig.class);

        assertThat(config.sockets()).containsExactly(Path.of("/run/k3s/containerd/containerd.sock"));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.restartWindow()).isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            interval: 0s                                        | 1:1: interval: PT0S must be positive, such as 10s
            timeout: 6s                                         | 1:1: timeout: PT6S is more than half of interval PT10S (a look makes two calls); make it at most PT5S
            systemctl: systemctl                                | 1:1: systemctl: "systemctl" is relative
            restartThreshold: 0                                 | 1:1: restartThreshold: 0 must be at least 1
            restartWindow: 30s                                  | 1:1: restartWindow: PT30S is shorter than restartInterval PT1M
            'endpoints: [unix:///run/crio/crio.sock, tcp://10.0.0.1:1234]' | 1:1: endpoints[1]: "tcp://10.0.0.1:1234" is not a unix socket endpoint; write one such as unix:///run/containerd/containerd.sock
            'endpoints: [unix://run/containerd/containerd.sock]'            | 1:1: endpoints[0]: "unix://run/containerd/containerd.sock" does not name an absolute socket path
            """)
    void aBadValueIsRefusedNamingFileLineAndField(String yaml, String expected) {
        assertThatThrownBy(() -> binder.bind("container-runtime.yaml", yaml + "\n", ContainerRuntimeConfig.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("container-runtime.yaml:" + expected);
    }

    @Test
    void aBadValueOnALaterLineIsPointedAt() {
        assertThatThrownBy(() -> binder.bind("container-runtime.yaml", """
                interval: 10s
                endpoints:
                  - ftp://example/containerd.sock
                """, ContainerRuntimeConfig.class))
                .hasMessageStartingWith("container-runtime.yaml:2:1: endpoints[0]: \"ftp://example/containerd.sock\" is not a unix socket endpoint");
    }

    @Test
    void anUnknownFieldIsRefusedWithASuggestion() {
        assertThatThrownBy(() -> binder.bind("container-runtime.yaml", "interval: 10s\nendpoint: unix:///run/containerd/containerd.sock\n", ContainerRuntimeConfig.class))
                .hasMessageStartingWith("container-runtime.yaml:2:")
                .hasMessageContaining("unknown field \"endpoint\"; did you mean \"endpoints\"?");
    }

    @Test
    void aDurationWithoutAUnitIsRefused() {
        assertThatThrownBy(() -> binder.bind("container-runtime.yaml", "interval: 10s\ntimeout: 5\n", ContainerRuntimeConfig.class))
                .hasMessageStartingWith("container-runtime.yaml:2:")
                .hasMessageContaining("timeout")
                .hasMessageContaining("a duration needs a unit");
    }

    @Test
    void aDurationThatIsNotOneIsRefused() {
        assertThatThrownBy(() -> binder.bind("container-runtime.yaml", "interval: ten seconds\n", ContainerRuntimeConfig.class))
                .hasMessageStartingWith("container-runtime.yaml:1:")
                .hasMessageContaining("interval");
    }
}
