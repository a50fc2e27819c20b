package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.config.ConfigBinder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KubeletHealthConfigTest {
    private final ConfigBinder binder = new ConfigBinder();

    @Test
    void withoutAFileEverythingHasNpdsDefaults() throws Exception {
        KubeletHealthConfig config = binder.defaults(KubeletHealthConfig.class);

        assertThat(config.healthzUrl()).isEqualTo(URI.create("http://127.0.0.1:10248/healthz"));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.failureThreshold()).isEqualTo(1);
        assertThat(config.clientCertificate()).isEqualTo(Path.of("/var/lib/kubelet/pki/kubelet-client-current.pem"));
        assertThat(config.expiryWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(config.kubeletUnit()).isEqualTo("kubelet");
        assertThat(config.systemctl()).isEqualTo(Path.of("/usr/bin/systemctl"));
        assertThat(config.restartThreshold()).isEqualTo(5);
        assertThat(config.restartWindow()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void bindsFromYaml() throws Exception {
        KubeletHealthConfig config = binder.bind("kubelet-health.yaml", """
                healthzUrl: http://10.0.0.5:10248/healthz
                timeout: 5s
                interval: 1m
                failureThreshold: 3
                clientCertificate: /etc/kubernetes/pki/kubelet-client.pem
                expiryWindow: 720h
                """, KubeletHealthConfig.class);

        assertThat(config.healthzUrl().getHost()).isEqualTo("10.0.0.5");
        assertThat(config.failureThreshold()).isEqualTo(3);
        assertThat(config.expiryWindow()).isEqualTo(Duration.ofDays(30));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            healthzUrl: unix:///run/kubelet.sock   | healthzUrl: "unix:///run/kubelet.sock" is not an http(s) URL with a host
            timeout: 0s                            | timeout: PT0S must be positive
            interval: -5s                          | interval: PT-5S must be positive
            timeout: 1m                            | timeout: PT1M is longer than interval PT30S
            failureThreshold: 0                    | failureThreshold: 0 must be at least 1
            clientCertificate: pki/kubelet.pem     | clientCertificate: "pki/kubelet.pem" is relative
            expiryWindow: 0s                       | expiryWindow: PT0S must be positive
            kubeletUnit: 'kubelet; reboot'         | kubeletUnit: "kubelet; reboot" is not a systemd unit name
            systemctl: systemctl                   | systemctl: "systemctl" is relative
            restartThreshold: 0                    | restartThreshold: 0 must be at least 1
            restartWindow: 10s                     | restartWindow: PT10S is shorter than interval PT30S
            """)
    void aBadValueIsRefusedNamingTheField(String yaml, String expected) {
        assertThatThrownBy(() -> binder.bind("kubelet-health.yaml", yaml + "\n", KubeletHealthConfig.class))
                .hasMessageStartingWith("kubelet-health.yaml:1:1: " + expected);
    }
}
