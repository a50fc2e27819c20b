package dev.nodemedic.daemons.kernellog.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.re2j.Pattern;
import dev.nodemedic.daemon.api.ConfigException;
import dev.nodemedic.daemon.config.ConfigBinder;
import dev.nodemedic.daemons.kernellog.config.KernelLogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rule files that bind are files the agent can run: the bounds that keep a 64 MiB agent alive are
 * checked when the file is bound, as check-config and the agent's planner bind it.
 */
class RuleLimitsTest {
    /** Generous: the refusals take milliseconds; before the bounds these ran out of memory or never finished. */
    private static final Duration QUICKLY = Duration.ofSeconds(20);

    private final ConfigBinder binder = new ConfigBinder();

    @TempDir
    Path dir;

    private Path ruleFile(List<String> patterns) throws Exception {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < patterns.size(); i++) {
            rules.append(i == 0 ? "" : ",\n").append("    {\"type\": \"temporary\", \"reason\": \"Rule").append(i).append("\", \"pattern\": \"")
                    .append(patterns.get(i).replace("\\", "\\\\")).append("\"}");
        }
        return Files.writeString(dir.resolve("kernel-monitor.json"), "{\n  \"plugin\": \"kmsg\",\n  \"conditions\": [],\n  \"rules\": [\n" + rules + "\n  ]\n}\n");
    }

    private String refusal(Path file) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        assertTimeoutPreemptively(QUICKLY, () -> {
            try {
                binder.bind(file, KernelLogConfig.class);
            } catch (ConfigException e) {
                thrown.set(e);
            }
        });
        assertThat(thrown.get()).as("the file is refused").isInstanceOf(ConfigException.class);
        return thrown.get().getMessage();
    }

    @Test
    void aFileOfAHundredThousandRulesIsRefusedSayingHowManyAreAllowed() throws Exception {
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            patterns.add("message number " + i + " happened");
        }

        assertThat(refusal(ruleFile(patterns)))
                .startsWith(dir.resolve("kernel-monitor.json") + ":")
                .contains("rules: 100000 rules, at most 1000 are allowed in one file; split them among several daemon instances");
    }

    @Test
    void aPatternOfMoreThanFourKibIsRefusedNamingItsRule() throws Exception {
        Path file = ruleFile(List.of("Killed process", "a".repeat(1_100_000)));

        assertThat(refusal(file))
                .startsWith(file + ":6:")
                .contains("rules[1]: pattern: \"aaaa")
                .contains("(1100000 characters) is 1100000 bytes long, at most 4096 are allowed");
    }

    @Test
    void theLengthBoundCountsUtf8Bytes() throws Exception {
        // 1,500 characters, 3,000 bytes: within the bound; 2,100 characters, 4,200 bytes: over it.
        assertThat(binder.bind(ruleFile(List.of("é".repeat(1500))), KernelLogConfig.class).rules()).hasSize(1);
        assertThat(refusal(ruleFile(List.of("é".repeat(2100))))).contains("is 4200 bytes long, at most 4096");
    }

    @Test
    void nestedRepetitionsBeyondGosLimitAreRefusedAtOnce() throws Exception {
        Path file = ruleFile(List.of("task blocked", "(((a{100}){100}){100})"));

        assertThat(refusal(file))
                .startsWith(file + ":6:")
                .contains("rules[1]: pattern: \"(((a{100}){100}){100})\" repeats its innermost part 1000000 times through nested counted"
                        + " repetitions, at most 1000 are allowed (Go's regexp refuses it too: invalid repeat count)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"(a{10}){101}", "(?:(?:x{2}){2}){251}", "a{1001}", "((a{2,}){501})+"})
    void repetitionsMultiplyingPastAThousandAreRefusedAsGoRefusesThem(String pattern) throws Exception {
        assertThat(refusal(ruleFile(List.of(pattern)))).contains("rules[0]: pattern:").contains("invalid repeat count");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a{1000}", "(a{10}){100}", "(?:x{2}){500}", "(a{1000}){0}b", "(a{100})*", "x{0,1000}y", "(?:a{0,30}){0,30}",
            "Killed process \\d+ (.+) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:\\d+kB.*"})
    void patternsWithinGosLimitsBindAndRunOnAnAgentSizedStack(String pattern) throws Exception {
        // x{0,1000} nests a thousand optional copies in RE2/J, which overflows a 512 KiB stack when compiled
        // there: binding and the engine compile on a stack of their own.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Integer> matches = new AtomicReference<>();
        Thread agentThread = new Thread(null, () -> {
            try {
                KernelLogConfig config = binder.bind(ruleFile(List.of(pattern)), KernelLogConfig.class);
                RuleEngine engine = new RuleEngine(config.rules(), config.bufferSize());
                matches.set(engine.push("a line", Instant.EPOCH, m -> { }));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "agent-sized", 512 * 1024);
        agentThread.start();
        agentThread.join();

        assertThat(failure.get()).isNull();
        assertThat(matches.get()).isNotNull();
    }

    @Test
    void deeplyNestedGroupsAreRefusedWithoutOverflowingTheStack() throws Exception {
        // 1,500 groups around 999 optional copies: RE2/J would recurse some 2,500 levels.
        String deep = "(".repeat(1500) + "a{0,999}" + ")".repeat(1500);

        assertThat(refusal(ruleFile(List.of(deep)))).contains("rules[0]: pattern:").contains("nests 2499 levels deep, at most 2000 are allowed");
    }

    @Test
    void oneExpressionIsBoundedInInstructions() throws Exception {
        // Each counted repetition is within Go's limits, but together they would compile to ~16,000 instructions.
        String big = "(?:abcdefgh){1000}(?:ijklmnop){1000}";

        assertThat(refusal(ruleFile(List.of(big)))).contains("rules[0]: pattern:").contains("would compile to about 16004 instructions, at most 10000");
    }

    @Test
    void unicodeClassesWeighTheirTables() throws Exception {
        // \pL is one instruction but a table of ~3.5 KB; 200 of them count as 12,800.
        assertThat(refusal(ruleFile(List.of("\\pL".repeat(200))))).contains("would compile to about 12802 instructions");
    }

    @Test
    void allTheRulesOfAFileTogetherAreBounded() throws Exception {
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            patterns.add("rule" + i + " (?:abcdefghi){1000}");
        }

        assertThat(refusal(ruleFile(patterns)))
                .contains("rules[5]: the patterns up to this rule would compile to about")
                .contains("at most 50000 are allowed for one file; split the rules among several daemon instances");
    }

    @Test
    void aFilelogExpressionIsHeldToTheSameBounds() throws Exception {
        Path file = Files.writeString(dir.resolve("filelog.json"), """
                {"plugin": "filelog", "logPath": "/var/log/kern.log",
                 "pluginConfig": {"timestamp": "^(((.{100}){100}){100})", "message": "kernel: (.*)", "timestampFormat": "Jan _2 15:04:05"},
                 "conditions": [], "rules": []}
                """);

        assertThat(refusal(file)).contains("pluginConfig").contains("timestamp: \"^(((.{100}){100}){100})\" repeats its innermost part 1000000 times");
    }

    @Test
    void theMeasureIsAnUpperBoundOfWhatRe2jCompiles() {
        Random random = new Random(20);
        int compiled = 0;
        for (int i = 0; i < 5_000; i++) {
            String pattern = nested(random, 3);
            int measured;
            try {
                measured = GoExpression.measure("pattern", pattern);
            } catch (IllegalArgumentException beyondBounds) {
                continue;
            }
            Pattern regex;
            try {
                regex = Pattern.compile(pattern + "\\z");
            } catch (RuntimeException invalid) {
                continue;
            }
            compiled++;
            assertThat(measured + 1).as(pattern).isGreaterThanOrEqualTo(regex.programSize());
        }
        assertThat(compiled).isGreaterThan(2_000);
    }

    private static String nested(Random random, int depth) {
        StringBuilder p = new StringBuilder();
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            String atom = switch (random.nextInt(depth == 0 ? 6 : 9)) {
                case 0 -> "a";
                case 1 -> "\\d";
                case 2 -> "[a-z\\s]";
                case 3 -> ".";
                case 4 -> "\\Qx.y\\E";
                case 5 -> "é";
                case 6 -> "(" + nested(random, depth - 1) + ")";
                case 7 -> "(?:" + nested(random, depth - 1) + "|" + nested(random, depth - 1) + ")";
                default -> "(?i:" + nested(random, depth - 1) + ")";
            };
            p.append(atom).append(switch (random.nextInt(9)) {
                case 0 -> "*";
                case 1 -> "+?";
                case 2 -> "?";
                case 3 -> "{" + random.nextInt(12) + "}";
                case 4 -> "{" + random.nextInt(5) + ",}";
                case 5 -> {
                    int min = random.nextInt(6);
                    yield "{" + min + "," + (min + random.nextInt(8)) + "}";
                }
                default -> "";
            });
        }
        return p.toString();
    }
}
