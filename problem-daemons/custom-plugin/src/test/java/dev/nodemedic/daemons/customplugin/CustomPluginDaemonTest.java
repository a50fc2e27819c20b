package dev.nodemedic.daemons.customplugin;

import dev.nodemedic.daemon.api.ConditionDeclaration;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemon.api.Condition;
import dev.nodemedic.daemon.api.ConditionStatus;
import dev.nodemedic.daemon.api.Event;
import dev.nodemedic.daemon.api.ManualClock;
import dev.nodemedic.daemon.api.RecordingDaemonContext;
import dev.nodemedic.daemon.api.Severity;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Healthy;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Problem;
import dev.nodemedic.daemons.customplugin.CheckOutcome.Unknown;
import dev.nodemedic.daemons.customplugin.CustomPluginDaemon.RuleResult;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.npdrules.RuleType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomPluginDaemonTest {
    private static final ConditionDeclaration NTP = new ConditionDeclaration("NTPProblem", "NTPIsUp", "ntp service is up");
    private static final Rule NTP_RULE = new Rule(RuleType.PERMANENT, "NTPProblem", "NTPIsDown", "/check_ntp.sh", List.of(), Optional.empty());
    private static final Rule CONNTRACK_RULE = new Rule(RuleType.TEMPORARY, "", "ConntrackFull", "/network_problem.sh", List.of(), Optional.empty());

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final CustomPluginDaemon daemon = new CustomPluginDaemon();
    private CheckScripts scripts;
    private RecordingDaemonContext<CustomPluginConfig> context;

    @BeforeAll
    static void reparentOrphansHere() throws Throwable {
        Subreaper.becomeOne();
    }

    @BeforeEach
    void setUp() {
        scripts = new CheckScripts(dir);
    }

    /** Opens the daemon without its schedule: the test runs the rounds. */
    private void open(CustomPluginConfig config) {
        context = new RecordingDaemonContext<>(daemon, config, clock);
        daemon.open(context);
    }

    private static CustomPluginConfig config(PluginConfig pluginConfig, List<ConditionDeclaration> conditions, List<Rule> rules) {
        return new CustomPluginConfig("custom", pluginConfig, "test-plugin-monitor", true, conditions, rules, List.of());
    }

    private static PluginConfig manual(boolean messageChanges) {
        return new PluginConfig(Duration.ofDays(1), Duration.ofSeconds(10), 80, 3, messageChanges, false);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.stop();
        if (context != null) {
            // Every reason reported in the test was declared, so the agent had its NPD series from the start.
            assertThat(context.undeclared(daemon.reasons(context.config()))).as("reported but not declared").isEmpty();
            context.close();
        }
    }

    private void report(Rule rule, CheckOutcome outcome) {
        daemon.report(new RuleResult(0, rule, outcome), clock.instant());
    }

    private Condition ntp() {
        return context.condition("NTPProblem");
    }

    @Test
    void aPermanentRuleFollowsItsScriptsAnswersAsNpdDoes() {
        open(config(manual(false), List.of(NTP), List.of(NTP_RULE)));
        assertThat(ntp().status()).isEqualTo(ConditionStatus.FALSE);

        clock.advance(Duration.ofSeconds(30));
        report(NTP_RULE, new Problem("ntp.service is not running"));
        assertThat(ntp()).isEqualTo(new Condition("NTPProblem", ConditionStatus.TRUE, "NTPIsDown", "ntp.service is not running", clock.instant()));

        clock.advance(Duration.ofSeconds(30));
        report(NTP_RULE, new Unknown("CheckTimedOut", "check_ntp.sh did not finish within 3s and was killed"));
        assertThat(ntp()).isEqualTo(new Condition("NTPProblem", ConditionStatus.UNKNOWN, "CheckTimedOut",
                "check_ntp.sh did not finish within 3s and was killed", clock.instant()));

        clock.advance(Duration.ofSeconds(30));
        report(NTP_RULE, new Healthy("ntp.service is running"));
        assertThat(ntp()).isEqualTo(new Condition("NTPProblem", ConditionStatus.FALSE, "NTPIsUp", "ntp service is up", clock.instant()));
        assertThat(context.events()).isEmpty();
    }

    @Test
    void aNewMessageAloneKeepsTheFirstOneUnlessMessageChangesAreEnabled() {
        open(config(manual(false), List.of(NTP), List.of(NTP_RULE)));
        report(NTP_RULE, new Problem("offset 1.2s at 10:00:00"));
        report(NTP_RULE, new Problem("offset 1.3s at 10:00:30"));
        assertThat(ntp().message()).isEqualTo("offset 1.2s at 10:00:00");
        report(NTP_RULE, new Unknown("CheckUnknown", "first why"));
        report(NTP_RULE, new Unknown("CheckUnknown", "second why"));
        assertThat(ntp().message()).isEqualTo("first why");
        report(NTP_RULE, new Unknown("CheckTimedOut", "a different reason always shows"));
        assertThat(ntp().reason()).isEqualTo("CheckTimedOut");
    }

    @Test
    void withMessageChangesEnabledEveryNewMessageShows() {
        open(config(manual(true), List.of(NTP), List.of(NTP_RULE)));
        Instant raised = clock.instant();
        report(NTP_RULE, new Problem("offset 1.2s"));
        clock.advance(Duration.ofSeconds(30));
        report(NTP_RULE, new Problem("offset 1.3s"));
        assertThat(ntp()).isEqualTo(new Condition("NTPProblem", ConditionStatus.TRUE, "NTPIsDown", "offset 1.3s", raised));
    }

    @Test
    void aTemporaryProblemIsAWarningEventFromTheConfiguredSource() {
        open(config(manual(false), List.of(), List.of(CONNTRACK_RULE)));
        report(CONNTRACK_RULE, new Healthy("conntrack table usage is 12%"));
        report(CONNTRACK_RULE, new Problem("conntrack table usage over 90%"));
        report(CONNTRACK_RULE, new Problem("conntrack table usage over 90%"));
        assertThat(context.events()).containsExactly(
                new Event("test-plugin-monitor", Severity.WARNING, "ConntrackFull", "conntrack table usage over 90%", clock.instant()),
                new Event("test-plugin-monitor", Severity.WARNING, "ConntrackFull", "conntrack table usage over 90%", clock.instant()));
    }

    @Test
    void aBrokenTemporaryCheckIsOneEventWhenItBreaksNotOneEveryRound() {
        open(config(manual(false), List.of(), List.of(CONNTRACK_RULE)));
        Unknown missing = new Unknown("CheckNotFound", "/network_problem.sh does not exist; install the script there or fix the rule's path");
        report(CONNTRACK_RULE, missing);
        report(CONNTRACK_RULE, missing);
        report(CONNTRACK_RULE, new Healthy(""));
        report(CONNTRACK_RULE, missing);
        Event expected = new Event("test-plugin-monitor", Severity.WARNING, "CheckNotFound",
                "check for ConntrackFull: /network_problem.sh does not exist; install the script there or fix the rule's path", clock.instant());
        assertThat(context.events()).containsExactly(expected, expected);
    }

    @Test
    void aRoundRunsRealScriptsAndReportsEachAnswer() throws Exception {
        Rule ntp = new Rule(RuleType.PERMANENT, "NTPProblem", "NTPIsDown", scripts.executable("problem.sh").toString(), List.of(), Optional.empty());
        Rule conntrack = new Rule(RuleType.TEMPORARY, "", "ConntrackFull", scripts.executable("args.sh").toString(), List.of("full"), Optional.empty());
        Rule hanging = new Rule(RuleType.TEMPORARY, "", "Hang", scripts.executable("hangs.sh").toString(), List.of(), Optional.of(Duration.ofMillis(300)));
        open(config(manual(false), List.of(NTP), List.of(ntp, conntrack, hanging)));

        List<RuleResult> results = daemon.checkAll(clock.instant());

        assertThat(results).hasSize(3);
        assertThat(results.getLast().rule()).as("the hanging script finishes last").isEqualTo(hanging);
        assertThat(ntp().status()).isEqualTo(ConditionStatus.TRUE);
        assertThat(ntp().message()).isEqualTo("ntp.service is not running");
        assertThat(context.events()).extracting(Event::reason).containsExactlyInAnyOrder("ConntrackFull", "CheckTimedOut");
        assertThat(context.events()).filteredOn(e -> e.reason().equals("ConntrackFull")).extracting(Event::message).containsExactly("args: full");
    }

    @Test
    void noMoreScriptsRunAtOnceThanTheConcurrencyAllows() throws Exception {
        Path running = Files.createDirectory(dir.resolve("running"));
        Path script = scripts.executable("concurrent.sh");
        List<Rule> rules = IntStream.range(0, 4)
                .mapToObj(i -> new Rule(RuleType.TEMPORARY, "", "Busy" + i, script.toString(), List.of(running.toString()), Optional.empty()))
                .toList();
        open(config(new PluginConfig(Duration.ofDays(1), Duration.ofSeconds(10), 80, 2, false, false), List.of(), rules));

        List<RuleResult> results = daemon.checkAll(clock.instant());

        List<Integer> seenRunning = results.stream().map(r -> Integer.parseInt(((Healthy) r.outcome()).output())).toList();
        assertThat(seenRunning).hasSize(4).allSatisfy(n -> assertThat(n).isBetween(1, 2));
        assertThat(seenRunning).as("two ran side by side").contains(2);
    }

    @Test
    void theSchedulerRunsRoundsAndStopKillsARunningScript() throws Exception {
        Path pids = dir.resolve("pids");
        Rule forks = new Rule(RuleType.TEMPORARY, "", "Hang", scripts.executable("forks.sh").toString(), List.of(pids.toString()), Optional.empty());
        context = new RecordingDaemonContext<>(daemon, config(new PluginConfig(Duration.ofMinutes(1), Duration.ofMinutes(1), 80, 1, false, false),
                List.of(), List.of(forks)), clock);
        daemon.start(context);

        RecordingDaemonContext.awaitTrue("the script to have started its children", Duration.ofSeconds(10),
                () -> Files.exists(pids) && lines(pids) == 3);
        daemon.stop();

        for (String pid : Files.readAllLines(pids)) {
            assertThat(ProcessTree.ProcState.read(Long.parseLong(pid.strip()))).as("process %s is gone", pid).isEmpty();
        }
        assertThat(Subreaper.zombieChildren()).isEmpty();
        assertThat(context.failures()).isEmpty();
    }

    @Test
    void theDaemonOwnsTheConditionsOfItsFile() throws Exception {
        CustomPluginConfig config = new ConfigBinder().bind("custom-plugin-monitor.json", CustomPluginConfigTest.NPD_CUSTOM_PLUGIN_MONITOR, CustomPluginConfig.class);
        assertThat(daemon.name()).isEqualTo("custom-plugin");
        assertThat(daemon.conditions(config)).extracting(d -> d.type() + "/" + d.reason()).containsExactly("NTPProblem/NTPIsUp");
    }

    private static long lines(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            return 0;
        }
    }
}
