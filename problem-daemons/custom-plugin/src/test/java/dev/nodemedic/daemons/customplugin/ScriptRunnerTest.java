package dev.nodemedic.daemons.customplugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemons.customplugin.CheckOutcome.Healthy;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Problem;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Unknown;
import dev.nodemedic.daemon.api.AgentConfigFile;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScriptRunnerTest {
    private static final System.Logger LOGGER = System.getLogger("test.custom-plugin");
    private static final ThreadFactory THREADS = runnable -> Thread.ofPlatform().daemon(true).name("check-output").unstarted(runnable);

    @TempDir
    Path dir;

    private CheckScripts scripts;
    private ScriptRunner runner;

    @BeforeAll
    static void reparentOrphansHere() throws Throwable {
        Subreaper.becomeOne();
    }

    @BeforeEach
    void setUp() {
        scripts = new CheckScripts(dir);
        runner = new ScriptRunner(THREADS, OrphanReaper.load(LOGGER), LOGGER, new ScriptEnvironment(System.getenv(), List.of()));
    }

    private CheckOutcome run(Path script, Duration timeout, int maxOutputLength, String... args) throws InterruptedException {
        Rule rule = new Rule(RuleType.PERMANENT, "TestProblem", "TestFailed", script.toString(), List.of(args), Optional.empty());
        return runner.run(rule, timeout, maxOutputLength);
    }

    private CheckOutcome run(Path script) throws InterruptedException {
        return run(script, Duration.ofSeconds(10), 80);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ok.sh             | Healthy | all good
            problem.sh        | Problem | ntp.service is not running
            unknown.sh        | Unknown | Could not find 'systemctl' - require systemd
            utf8.sh           | Problem | disque plein: 97 % — réessayez
            """)
    void exitStatusIsTheAnswerAndStdoutTheMessage(String script, String answer, String message) throws Exception {
        CheckOutcome outcome = run(scripts.executable(script));
        switch (answer) {
            case "Healthy" -> assertThat(outcome).isEqualTo(new Healthy(message));
            case "Problem" -> assertThat(outcome).isEqualTo(new Problem(message));
            default -> assertThat(outcome).isEqualTo(new Unknown("CheckUnknown", message));
        }
    }

    @Test
    void argumentsArePassedAsWritten() throws Exception {
        assertThat(run(scripts.executable("args.sh"), Duration.ofSeconds(10), 80, "--component=kubelet", "two words"))
                .isEqualTo(new Problem("args: --component=kubelet two words"));
    }

    /** What a pod's agent has: the service account's service variables, a credential, and what a script needs. */
    private static final Map<String, String> AGENT_ENVIRONMENT = Map.ofEntries(
            Map.entry("PATH", System.getenv("PATH")),
            Map.entry("HOME", "/root"),
            Map.entry("LANG", "C.UTF-8"),
            Map.entry("LC_ALL", "C.UTF-8"),
            Map.entry("TZ", "UTC"),
            Map.entry("NODE_NAME", "node-a"),
            Map.entry("HOST_ADDRESS", "10.0.0.7"),
            Map.entry("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
            Map.entry("KUBERNETES_PORT_443_TCP", "tcp://10.96.0.1:443"),
            Map.entry("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"),
            Map.entry("HTTPS_PROXY", "http://proxy.example:3128"));

    @Test
    void aScriptSeesOnlyTheAllowedEnvironmentAndWhatTheConfigNames() throws Exception {
        ScriptRunner strict = new ScriptRunner(THREADS, OrphanReaper.load(LOGGER), LOGGER, new ScriptEnvironment(AGENT_ENVIRONMENT, List.of("HTTPS_PROXY")));
        Rule rule = new Rule(RuleType.PERMANENT, "TestProblem", "TestFailed", scripts.executable("env.sh").toString(), List.of(), Optional.empty());

        Healthy outcome = (Healthy) strict.run(rule, Duration.ofSeconds(10), 65_536);

        Map<String, String> seen = outcome.output().lines().map(line -> line.split("=", 2))
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair.length > 1 ? pair[1] : ""));
        // The shell adds its own (PWD, SHLVL, _): what matters is what came from the agent.
        assertThat(seen).doesNotContainKeys("KUBERNETES_SERVICE_HOST", "KUBERNETES_PORT_443_TCP", "AWS_SECRET_ACCESS_KEY")
                .containsEntry("PATH", System.getenv("PATH")).containsEntry("HOME", "/root").containsEntry("LANG", "C.UTF-8")
                .containsEntry("LC_ALL", "C.UTF-8").containsEntry("TZ", "UTC").containsEntry("NODE_NAME", "node-a")
                // NPD's health-checker asks the kubelet there: NPD's config files cannot name it.
                .containsEntry("HOST_ADDRESS", "10.0.0.7")
                .containsEntry("HTTPS_PROXY", "http://proxy.example:3128").containsKey(ProcessTree.TAG_VARIABLE);
        assertThat(seen.keySet()).allMatch(name -> AGENT_ENVIRONMENT.containsKey(name) || Set.of("PWD", "SHLVL", "_", ProcessTree.TAG_VARIABLE).contains(name),
                "every variable comes from the allowlist or the shell");
    }

    @Test
    void withoutNamingItAScriptDoesNotSeeAnAgentVariable() throws Exception {
        ScriptRunner strict = new ScriptRunner(THREADS, OrphanReaper.load(LOGGER), LOGGER, new ScriptEnvironment(AGENT_ENVIRONMENT, List.of()));
        Rule rule = new Rule(RuleType.PERMANENT, "TestProblem", "TestFailed", scripts.executable("env.sh").toString(), List.of(), Optional.empty());

        assertThat(((Healthy) strict.run(rule, Duration.ofSeconds(10), 65_536)).output()).doesNotContain("HTTPS_PROXY").contains("NODE_NAME=node-a");
    }

    @Test
    void aScriptGetsTheAgentConfigTheAgentWasStartedWithOverTheAgentsVariable() throws Exception {
        // NPD's helpers (nodemedic log-counter, health-checker) read the pluginDigests of the file this names; in a pod the
        // agent runs with the ConfigMap's config and nothing in the pod's env says so.
        Path config = dir.resolve("agent.yaml");
        String before = System.getProperty(AgentConfigFile.SYSTEM_PROPERTY);
        System.setProperty(AgentConfigFile.SYSTEM_PROPERTY, config.toString());
        ScriptEnvironment environment;
        try {
            environment = ScriptEnvironment.ofThisAgent(List.of());
        } finally {
            if (before == null) {
                System.clearProperty(AgentConfigFile.SYSTEM_PROPERTY);
            } else {
                System.setProperty(AgentConfigFile.SYSTEM_PROPERTY, before);
            }
        }
        ScriptRunner agents = new ScriptRunner(THREADS, OrphanReaper.load(LOGGER), LOGGER, environment);
        Rule rule = new Rule(RuleType.PERMANENT, "TestProblem", "TestFailed", scripts.executable("env.sh").toString(), List.of(), Optional.empty());

        assertThat(((Healthy) agents.run(rule, Duration.ofSeconds(10), 65_536)).output().lines())
                .contains(AgentConfigFile.ENVIRONMENT_VARIABLE + "=" + config);

        ScriptRunner overridden = new ScriptRunner(THREADS, OrphanReaper.load(LOGGER), LOGGER, new ScriptEnvironment(
                Map.of("PATH", System.getenv("PATH"), AgentConfigFile.ENVIRONMENT_VARIABLE, "/opt/image/config/nodemedic.yaml"), Optional.of(config.toString()), List.of()));
        assertThat(((Healthy) overridden.run(rule, Duration.ofSeconds(10), 65_536)).output().lines())
                .contains(AgentConfigFile.ENVIRONMENT_VARIABLE + "=" + config).doesNotContain(AgentConfigFile.ENVIRONMENT_VARIABLE + "=/opt/image/config/nodemedic.yaml");
    }

    @Test
    void anAgentStartedWithoutAConfigPassesItsOwnVariableOn() throws Exception {
        // A local run: the operator's NODEMEDIC_CONFIG names the file, for the agent's helpers as for a shell's.
        ScriptRunner local = new ScriptRunner(THREADS, OrphanReaper.load(LOGGER), LOGGER, new ScriptEnvironment(
                Map.of("PATH", System.getenv("PATH"), AgentConfigFile.ENVIRONMENT_VARIABLE, "/etc/nodemedic/agent.yaml"), Optional.empty(), List.of()));
        Rule rule = new Rule(RuleType.PERMANENT, "TestProblem", "TestFailed", scripts.executable("env.sh").toString(), List.of(), Optional.empty());

        assertThat(((Healthy) local.run(rule, Duration.ofSeconds(10), 65_536)).output().lines())
                .contains(AgentConfigFile.ENVIRONMENT_VARIABLE + "=/etc/nodemedic/agent.yaml");
    }

    @Test
    void aSilentUnknownSaysTheStatusAndQuotesStderr() throws Exception {
        assertThat(run(scripts.executable("silent-unknown.sh"))).isEqualTo(new Unknown("CheckUnknown",
                "silent-unknown.sh exited with status 3 and printed nothing on stdout (stderr: \"cannot reach the metadata server\");"
                        + " a check exits 0 for OK, 1 for a problem, anything else for unknown"));
    }

    @Test
    void outputIsCutToMaxOutputLength() throws Exception {
        assertThat(run(scripts.executable("problem.sh"), Duration.ofSeconds(10), 7)).isEqualTo(new Problem("ntp.ser"));
        assertThat(run(scripts.executable("problem.sh"), Duration.ofSeconds(10), 0)).isEqualTo(new Problem(""));
    }

    @Test
    void megabytesOfOutputAreReadAndDiscarded() throws Exception {
        CheckOutcome outcome = run(scripts.executable("megabytes.sh"), Duration.ofSeconds(30), 80);
        assertThat(outcome).isEqualTo(new Problem("x".repeat(80)));
    }

    @Test
    void aMissingScriptIsUnknownNamingIt() throws Exception {
        Path missing = dir.resolve("check_gone.sh");
        assertThat(run(missing)).isEqualTo(new Unknown("CheckNotFound", missing + " does not exist; install the script there or fix the rule's path"));
    }

    @Test
    void aRelativeMissingScriptSaysWhereItWasLookedFor() throws Exception {
        Rule rule = new Rule(RuleType.TEMPORARY, "", "Whatever", "./config/plugin/check_gone.sh", List.of(), Optional.empty());
        Unknown outcome = (Unknown) runner.run(rule, Duration.ofSeconds(1), 80);
        assertThat(outcome.reason()).isEqualTo("CheckNotFound");
        assertThat(outcome.why()).startsWith(Path.of("config/plugin/check_gone.sh").toAbsolutePath().toString())
                .contains("relative paths are resolved against the agent's working directory");
    }

    @Test
    void aScriptWithoutTheExecutableBitIsUnknown() throws Exception {
        Path script = scripts.readOnly("not-executable.sh");
        assertThat(run(script)).isEqualTo(new Unknown("CheckNotExecutable", script + " is not executable by the agent;"
                + " make it an executable file (chmod +x), it is run directly as NPD does, with its #! line"));
    }

    @Test
    void aDirectoryIsNotAScript() throws Exception {
        assertThat(((Unknown) run(dir)).reason()).isEqualTo("CheckNotExecutable");
    }

    @Test
    void aMissingInterpreterIsUnknownNamingTheShebang() throws Exception {
        Unknown outcome = (Unknown) run(scripts.executable("bad-interpreter.sh"));
        assertThat(outcome.reason()).isEqualTo("CheckFailedToStart");
        assertThat(outcome.why()).contains("bad-interpreter.sh could not be started").contains("#! line");
    }

    @Test
    void dyingBySignalIsUnknownNamingTheSignal() throws Exception {
        assertThat(run(scripts.executable("signal.sh"))).isEqualTo(new Unknown("CheckKilledBySignal",
                "signal.sh was killed by signal 9 (SIGKILL, exit status 137); its output: \"about to die\""));
    }

    @Test
    void aHangingScriptIsKilledAtItsTimeout() throws Exception {
        long started = System.nanoTime();
        CheckOutcome outcome = run(scripts.executable("hangs.sh"), Duration.ofMillis(500), 80);
        assertThat(outcome).isEqualTo(new Unknown("CheckTimedOut",
                "hangs.sh did not finish within 500ms and was killed with 1 process it started; its output: \"starting a long wait\""));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aTimeoutKillsTheWholeTreeAndLeavesNoZombie() throws Exception {
        Path pids = dir.resolve("pids");
        CheckOutcome outcome = run(scripts.executable("forks.sh"), Duration.ofSeconds(1), 80, pids.toString());

        assertThat(outcome).isInstanceOf(Unknown.class);
        assertThat(((Unknown) outcome).why()).startsWith("forks.sh did not finish within 1s and was killed with ").endsWith("processes it started; its output: \"forked\"");
        List<Long> started = Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong).toList();
        assertThat(started).hasSize(3);
        for (long pid : started) {
            assertThat(ProcessTree.ProcState.read(pid)).as("process %d of the tree is gone, not left running or a zombie", pid).isEmpty();
        }
        assertThat(Subreaper.zombieChildren()).isEmpty();
    }

    @Test
    void aChildLeftHoldingTheOutputCannotChangeTheScriptsAnswer() throws Exception {
        Path pid = dir.resolve("pid");
        long started = System.nanoTime();
        CheckOutcome outcome = run(scripts.executable("leaves-child.sh"), Duration.ofSeconds(1), 80, pid.toString());

        assertThat(outcome).isEqualTo(new Healthy("done"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the timeout").isLessThan(Duration.ofSeconds(5));
        // Whether the runner killed it at the timeout depends on whether the JDK closed the pipe at exit;
        // either way it must not outlive the test, nor stay a zombie of this (subreaper) JVM.
        long child = Long.parseLong(Files.readString(pid).strip());
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        OrphanReaper reaper = OrphanReaper.load(LOGGER).orElseThrow();
        RecordingDaemonContext.awaitTrue("the child to be gone", Duration.ofSeconds(5),
                () -> ProcessTree.ProcState.read(child).isEmpty() || reaper.reap(child));
    }

    @Test
    void maxOutputLengthCountsUtf8BytesAsNpdDoesButCutsBetweenCharacters() {
        assertThat(ScriptRunner.cut("é".repeat(10), 5)).isEqualTo("éé");
        assertThat(ScriptRunner.cut("abc€def", 5)).isEqualTo("abc");
        assertThat(ScriptRunner.cut("abc€def", 6)).isEqualTo("abc€");
        assertThat(ScriptRunner.cut("é".repeat(40), 80)).isEqualTo("é".repeat(40));
    }

    @Test
    void cutNeverSplitsASurrogatePair() {
        assertThat(ScriptRunner.cut("ab\uD83D\uDE00cd", 3)).isEqualTo("ab");
        assertThat(ScriptRunner.cut("abc", 3)).isEqualTo("abc");
    }
}
