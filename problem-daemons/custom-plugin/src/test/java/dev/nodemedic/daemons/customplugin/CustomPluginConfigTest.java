package dev.nodemedic.daemons.customplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import dev.nodemedic.daemon.api.ReasonDeclaration;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** NPD's own configs, as they ship in kubernetes/node-problem-detector's config folder, bind unchanged. */
class CustomPluginConfigTest {
    private final ConfigBinder binder = new ConfigBinder();

    /** NPD's config/custom-plugin-monitor.json. */
    static final String NPD_CUSTOM_PLUGIN_MONITOR = """
            {
              "plugin": "custom",
              "pluginConfig": {
                "invoke_interval": "30s",
                "timeout": "5s",
                "max_output_length": 80,
                "concurrency": 3
              },
              "source": "ntp-custom-plugin-monitor",
              "conditions": [
                {
                  "type": "NTPProblem",
                  "reason": "NTPIsUp",
                  "message": "ntp service is up"
                }
              ],
              "rules": [
                {
                  "type": "permanent",
                  "condition": "NTPProblem",
                  "reason": "NTPIsDown",
                  "path": "./config/plugin/check_ntp.sh",
                  "timeout": "3s"
                }
              ]
            }
            """;

    @Test
    void npdsCustomPluginMonitorBindsUnchanged() throws Exception {
        CustomPluginConfig config = binder.bind("custom-plugin-monitor.json", NPD_CUSTOM_PLUGIN_MONITOR, CustomPluginConfig.class);

        assertThat(config.plugin()).isEqualTo("custom");
        assertThat(config.pluginConfig()).isEqualTo(new PluginConfig(Duration.ofSeconds(30), Duration.ofSeconds(5), 80, 3, false, false));
        assertThat(config.source()).isEqualTo("ntp-custom-plugin-monitor");
        assertThat(config.metricsReporting()).isTrue();
        assertThat(config.declarations()).containsExactly(new ConditionDeclaration("NTPProblem", "NTPIsUp", "ntp service is up"));
        assertThat(config.rules()).containsExactly(
                new Rule(RuleType.PERMANENT, "NTPProblem", "NTPIsDown", "./config/plugin/check_ntp.sh", List.of(), Optional.of(Duration.ofSeconds(3))));
        assertThat(config.timeoutOf(config.rules().getFirst())).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aPermanentRuleDeclaresItsConditionsReasonAsNpdStartsItsSeries() throws Exception {
        CustomPluginConfig config = binder.bind("custom-plugin-monitor.json", NPD_CUSTOM_PLUGIN_MONITOR, CustomPluginConfig.class);

        assertThat(config.reasons()).containsExactly(ReasonDeclaration.condition("NTPProblem", "NTPIsDown"));
    }

    @Test
    void aTemporaryRuleDeclaresItsEventAndTheEventsOfAScriptThatGivesNoAnswer() throws Exception {
        CustomPluginConfig config = binder.bind("network-problem-monitor.json", """
                {"plugin": "custom", "source": "network-custom-plugin-monitor",
                 "rules": [{"type": "temporary", "reason": "ConntrackFull", "path": "./config/plugin/network_problem.sh"}]}
                """, CustomPluginConfig.class);

        assertThat(config.reasons()).containsExactly(ReasonDeclaration.event("ConntrackFull"), ReasonDeclaration.event("CheckNotFound"),
                ReasonDeclaration.event("CheckNotExecutable"), ReasonDeclaration.event("CheckFailedToStart"), ReasonDeclaration.event("CheckTimedOut"),
                ReasonDeclaration.event("CheckOutputUnreadable"), ReasonDeclaration.event("CheckKilledBySignal"), ReasonDeclaration.event("CheckUnknown"));
    }

    @Test
    void npdsKubeletHealthCheckerBindsWithArgsAndLongTimeouts() throws Exception {
        // NPD's config/health-checker-kubelet.json
        CustomPluginConfig config = binder.bind("health-checker-kubelet.json", """
                {
                  "plugin": "custom",
                  "pluginConfig": {
                    "invoke_interval": "10s",
                    "timeout": "3m",
                    "max_output_length": 80,
                    "concurrency": 1
                  },
                  "source": "health-checker",
                  "metricsReporting": true,
                  "conditions": [
                    {
                      "type": "KubeletUnhealthy",
                      "reason": "KubeletIsHealthy",
                      "message": "kubelet on the node is functioning properly"
                    }
                  ],
                  "rules": [
                    {
                      "type": "permanent",
                      "condition": "KubeletUnhealthy",
                      "reason": "KubeletUnhealthy",
                      "path": "/home/kubernetes/bin/health-checker",
                      "args": [
                        "--component=kubelet",
                        "--enable-repair=false",
                        "--cooldown-time=1m",
                        "--health-check-timeout=10s"
                      ],
                      "timeout": "3m"
                    }
                  ]
                }
                """, CustomPluginConfig.class);

        assertThat(config.pluginConfig().timeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(config.pluginConfig().concurrency()).isEqualTo(1);
        assertThat(config.rules().getFirst().args()).containsExactly("--component=kubelet", "--enable-repair=false", "--cooldown-time=1m", "--health-check-timeout=10s");
    }

    @Test
    void npdsNetworkProblemMonitorWithOnlyATemporaryRuleBinds() throws Exception {
        // NPD's config/network-problem-monitor.json; iptables-mode-monitor.json is the same shape with "86400s".
        CustomPluginConfig config = binder.bind("network-problem-monitor.json", """
                {
                  "plugin": "custom",
                  "pluginConfig": {
                    "invoke_interval": "86400s",
                    "timeout": "5s",
                    "max_output_length": 80,
                    "concurrency": 3
                  },
                  "source": "network-custom-plugin-monitor",
                  "metricsReporting": true,
                  "conditions": [],
                  "rules": [
                    {
                      "type": "temporary",
                      "reason": "ConntrackFull",
                      "path": "./config/plugin/network_problem.sh",
                      "timeout": "3s"
                    }
                  ]
                }
                """, CustomPluginConfig.class);

        assertThat(config.pluginConfig().invoke_interval()).isEqualTo(Duration.ofDays(1));
        assertThat(config.declarations()).isEmpty();
        assertThat(config.rules().getFirst().type()).isEqualTo(RuleType.TEMPORARY);
    }

    @Test
    void theSwitchesNpdAddedLaterBind() throws Exception {
        CustomPluginConfig config = binder.bind("c.json", """
                {"plugin": "custom", "pluginConfig": {"enable_message_change_based_condition_update": true, "skip_initial_status": true},
                 "rules": []}
                """, CustomPluginConfig.class);
        assertThat(config.pluginConfig().enable_message_change_based_condition_update()).isTrue();
        assertThat(config.pluginConfig().skip_initial_status()).isTrue();
        assertThat(config.pluginConfig().invoke_interval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withoutAFileTheDaemonHasNpdsDefaultsAndNoRules() throws Exception {
        CustomPluginConfig config = binder.defaults(CustomPluginConfig.class);
        assertThat(config.pluginConfig()).isEqualTo(new PluginConfig(Duration.ofSeconds(30), Duration.ofSeconds(5), 80, 3, false, false));
        assertThat(config.source()).isEqualTo("custom-plugin-monitor");
        assertThat(config.rules()).isEmpty();
    }

    @Test
    void anUnknownPluginConfigKeyIsRefusedWithItsPlace() {
        assertThatThrownBy(() -> binder.bind("c.json", """
                {
                  "plugin": "custom",
                  "pluginConfig": {
                    "invoke_intervall": "30s"
                  }
                }
                """, CustomPluginConfig.class))
                .hasMessageStartingWith("c.json:4:5: pluginConfig.invoke_intervall: unknown field \"invoke_intervall\"; did you mean \"invoke_interval\"?");
    }

    @Test
    void environmentNamesMoreAgentVariablesForTheScripts() throws Exception {
        CustomPluginConfig config = binder.bind("c.yaml", "environment: [HTTPS_PROXY, NO_PROXY]\n", CustomPluginConfig.class);
        assertThat(config.environment()).containsExactly("HTTPS_PROXY", "NO_PROXY");
        assertThat(binder.bind("c.json", NPD_CUSTOM_PLUGIN_MONITOR, CustomPluginConfig.class).environment()).isEmpty();
    }

    @Test
    void anEnvironmentEntryThatIsNoVariableNameIsRefusedWithItsPlace() {
        assertThatThrownBy(() -> binder.bind("c.yaml", "environment: [HTTPS_PROXY, \"FOO=bar\"]\n", CustomPluginConfig.class))
                .hasMessageContaining("environment[1]: \"FOO=bar\" is not an environment variable name");
        assertThatThrownBy(() -> binder.bind("c.yaml", "environment: [NODEMEDIC_CHECK]\n", CustomPluginConfig.class))
                .hasMessageContaining("environment[0]: NODEMEDIC_CHECK is set by the daemon for every run");
    }

    @Test
    void aCamelCaseSpellingIsRefusedToo() {
        assertThatThrownBy(() -> binder.bind("c.json", "{\"pluginConfig\": {\"maxOutputLength\": 80}}", CustomPluginConfig.class))
                .hasMessageContaining("pluginConfig.maxOutputLength: unknown field \"maxOutputLength\"");
    }

    @Test
    void aRuleTimeoutLongerThanTheGlobalOneIsRefusedAsNpdDoes() {
        assertThatThrownBy(() -> binder.bind("c.json", """
                {"pluginConfig": {"timeout": "5s"},
                 "rules": [{"type": "temporary", "reason": "Slow", "path": "/bin/true", "timeout": "10s"}]}
                """, CustomPluginConfig.class))
                .hasMessageContaining("rules[0].timeout: PT10S is longer than pluginConfig.timeout PT5S; shorten it or raise pluginConfig.timeout");
    }

    @Test
    void aPermanentRuleNeedsItsConditionDeclared() {
        assertThatThrownBy(() -> binder.bind("c.json", """
                {"conditions": [{"type": "NTPProblem", "reason": "NTPIsUp", "message": "ntp service is up"}],
                 "rules": [{"type": "permanent", "condition": "NTPProblm", "reason": "NTPIsDown", "path": "/bin/true"}]}
                """, CustomPluginConfig.class))
                .hasMessageContaining("rules[0].condition: NTPProblm is not declared in conditions (declared: NTPProblem)");
    }

    @Test
    void badValuesNameTheirField() {
        assertThatThrownBy(() -> binder.bind("c.json", "{\"plugin\": \"filelog\"}", CustomPluginConfig.class))
                .hasMessageContaining("plugin: \"filelog\" is not supported");
        assertThatThrownBy(() -> binder.bind("c.json", "{\"pluginConfig\": {\"concurrency\": 0}}", CustomPluginConfig.class))
                .hasMessageContaining("pluginConfig: concurrency: 0 is out of range; write 1 to 64");
        assertThatThrownBy(() -> binder.bind("c.json", "{\"pluginConfig\": {\"invoke_interval\": \"0s\"}}", CustomPluginConfig.class))
                .hasMessageContaining("invoke_interval: PT0S must be positive");
        assertThatThrownBy(() -> binder.bind("c.json", "{\"rules\": [{\"type\": \"sometimes\", \"reason\": \"X\", \"path\": \"/x\"}]}", CustomPluginConfig.class))
                .hasMessageContaining("rules[0].type");
        assertThatThrownBy(() -> binder.bind("c.json", "{\"rules\": [{\"type\": \"temporary\", \"reason\": \"X\"}]}", CustomPluginConfig.class))
                .hasMessageContaining("path: missing");
        assertThatThrownBy(() -> binder.bind("c.json", "{\"conditions\": [{\"type\": \"Ready\", \"reason\": \"Fine\"}]}", CustomPluginConfig.class))
                .hasMessageContaining("belongs to kubelet");
    }
}
