package dev.nodemedic.daemons.kubelethealth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.config.ConfigBinder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        assertThat(config.clientCertificate()).as("the certificate check is opt-in").isEmpty();
        assertThat(config.expiryWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(config.kubeletUnit()).isEqualTo("kubelet");
        assertThat(config.systemctl()).isEqualTo(Path.of("/usr/bin/systemctl"));
        assertThat(config.restartThreshold()).isEqualTo(5);
        assertThat(config.restartWindow()).isEqualTo(Duration.ofMinutes(20));
        assertThat(config.pleg()).isEqualTo(new PlegConfig(Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofMinutes(3), Duration.ofMinutes(5)));
        assertThat(config.repair()).isEqualTo(new RepairConfig(false, Duration.ofMinutes(1),
                List.of("/usr/bin/systemctl", "kill", "--kill-who=main", "kubelet"), Duration.ofSeconds(10), 3));
    }

    @Test
    void npdsRepairCommandFollowsTheConfiguredSystemctlAndUnit() throws Exception {
        KubeletHealthConfig config = binder.bind("kubelet-health.yaml", """
                kubeletUnit: kubelet.service
                systemctl: /bin/systemctl
                repair:
                  enableRepair: true
                """, KubeletHealthConfig.class);

        assertThat(config.repair().enableRepair()).isTrue();
        assertThat(config.repair().command()).containsExactly("/bin/systemctl", "kill", "--kill-who=main", "kubelet.service");
    }

    @Test
    void bindsPlegAndRepairFromYaml() throws Exception {
        KubeletHealthConfig config = binder.bind("kubelet-health.yaml", """
                pleg:
                  logFile: /var/log/kubelet.log
                  journalctl: /usr/bin/journalctl
                  journalDirectory: /var/log/journal
                  persistFor: 2m
                  quietPeriod: 10m
                repair:
                  enableRepair: true
                  cooldownTime: 5m
                  command: [/usr/bin/nsenter, --target=1, --mount, --, systemctl, restart, kubelet]
                  timeout: 30s
                  maxRepairsPerDay: 5
                """, KubeletHealthConfig.class);

        assertThat(config.pleg().logFile()).contains(Path.of("/var/log/kubelet.log"));
        assertThat(config.pleg().journalDirectory()).contains(Path.of("/var/log/journal"));
        assertThat(config.pleg().journalctl()).as("still accepted, though the agent's journal reader runs journalctl now").contains(Path.of("/usr/bin/journalctl"));
        assertThat(config.pleg().persistFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.pleg().quietPeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.repair()).isEqualTo(new RepairConfig(true, Duration.ofMinutes(5),
                List.of("/usr/bin/nsenter", "--target=1", "--mount", "--", "systemctl", "restart", "kubelet"), Duration.ofSeconds(30), 5));
    }

    @Test
    void aRelativePlegJournalctlStillLoadsForItIsIgnored() throws Exception {
        KubeletHealthConfig config = binder.bind("kubelet-health.yaml", "pleg: {journalctl: journalctl}\n", KubeletHealthConfig.class);

        assertThat(config.pleg().journalctl()).as("the agent's journal reader runs journalctl; the field is only logged as ignored").contains(Path.of("journalctl"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            pleg: {logFile: kubelet.log}                | pleg: logFile: "kubelet.log" is relative
            pleg: {journalDirectory: journal}           | pleg: journalDirectory: "journal" is relative
            pleg: {persistFor: 0s}                      | pleg: persistFor: PT0S must be positive
            pleg: {quietPeriod: -1m}                    | pleg: quietPeriod: PT-1M must be positive
            repair: {cooldownTime: 0s}                  | repair: cooldownTime: PT0S must be positive
            repair: {cooldownTime: 30s}                 | repair: cooldownTime: PT30S is shorter than the minimum, 1m
            repair: {maxRepairsPerDay: 0}               | repair: maxRepairsPerDay: 0 must be at least 1; to never repair, set enableRepair: false
            repair: {timeout: 0s}                       | repair: timeout: PT0S must be positive
            repair: {command: [systemctl, restart]}     | repair: command[0]: "systemctl" is relative
            repair: {command: [/usr/bin/systemctl, '']} | repair: command[1]: is empty
            """)
    void aBadPlegOrRepairValueIsRefusedNamingTheField(String yaml, String expected) {
        assertThatThrownBy(() -> binder.bind("kubelet-health.yaml", yaml + "\n", KubeletHealthConfig.class))
                .hasMessageStartingWith("kubelet-health.yaml:1:").hasMessageContaining(": " + expected);
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
        assertThat(config.clientCertificate()).contains(Path.of("/etc/kubernetes/pki/kubelet-client.pem"));
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
