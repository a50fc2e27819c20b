package dev.nodemedic.daemons.kernellog.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodemedic.daemons.npdrules.RuleType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against NPD's every-rule-every-line matching: the same matches, in the same order, with
 * the same text and line numbers, on real-looking kernel logs and on random rules over random lines.
 */
class RuleEngineEquivalenceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static final List<String> CHATTER = List.of(
            "IPv6: ADDRCONF(NETDEV_CHANGE): veth%h: link becomes ready",
            "cni0: port %n(veth%h) entered forwarding state",
            "audit: type=1400 audit(%t:%n): apparmor=\"STATUS\" operation=\"profile_replace\" name=\"cri-containerd.apparmor.d\" pid=%p",
            "EXT4-fs (sda%d): mounted filesystem with ordered data mode. Opts: (null)",
            "TCP: request_sock_TCP: Possible SYN flooding on port %n. Sending cookies.  Check SNMP counters.",
            "XFS (sdb%d): Mounting V5 Filesystem",
            "task_work: %n pending",
            "Kill process %p (java) score %n or sacrifice child",
            "docker0: port %d(veth%h) entered blocking state",
            "Memory cgroup stats for /kubepods/burstable/pod%h: cache:%nKB rss:%tKB",
            "perf: interrupt took too long (%n > %p), lowering kernel.perf_event_max_sample_rate to %t",
            "Started kubelet.service - Kubernetes kubelet.",
            "Starting containerd.service...",
            "");

    static final List<String> PROBLEMS = List.of(
            "Out of memory: Killed process %p (java) total-vm:%nkB, anon-rss:%tkB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:%dkB oom_score_adj:%d",
            "Killed process %p (python3) total-vm:%nkB, anon-rss:%tkB, file-rss:0kB, shmem-rss:0kB",
            "INFO: task java:%p blocked for more than 120 seconds.",
            "INFO: task docker:%p blocked for more than 120 seconds.",
            "INFO: task kworker/u8:%d:%p blocked for more than 120 seconds.",
            "BUG: unable to handle kernel NULL pointer dereference at 00000000000000%d0",
            "BUG: kernel NULL pointer dereference, address: 00000000000000%d0",
            "divide error: 0000 [#%d] SMP",
            "divide error: 0000 [#%d] PREEMPT SMP NOPTI",
            "unregister_netdevice: waiting for eth0 to become free. Usage count = %d",
            "EXT4-fs error (device sda%d): ext4_find_entry:1455: inode #%n: comm kubelet: reading directory lblock 0",
            "EXT4-fs warning (device sda%d): ext4_dx_add_entry:2235: Directory index full!",
            "Buffer I/O error on device sdb%d, logical block %n",
            "EXT4-fs (sda%d): Remounting filesystem read-only",
            "XFS (dm-%d): Corruption of in-memory data detected.  Shutting down filesystem",
            "CE memory read error on CPU_SrcID#0_MC#0_Chan#%d_DIMM#0",
            "TCP: out of memory -- consider tuning tcp_mem",
            "Process %p (bash) crashed in foo()",
            "Started Kubernetes kubelet.",
            "Starting Docker Application Container Engine...");

    static String fill(String template, Random random) {
        return template.replace("%h", String.format("%08x", random.nextInt()))
                .replace("%n", String.valueOf(1 + random.nextInt(99999)))
                .replace("%p", String.valueOf(100 + random.nextInt(400000)))
                .replace("%t", String.valueOf(1000 + random.nextInt(9999999)))
                .replace("%d", String.valueOf(1 + random.nextInt(8)));
    }

    static List<String> realLookingLog(Random random, int lines, double problemRate) {
        List<String> out = new ArrayList<>(lines);
        for (int i = 0; i < lines; i++) {
            List<String> from = random.nextDouble() < problemRate ? PROBLEMS : CHATTER;
            out.add(fill(from.get(random.nextInt(from.size())), random));
        }
        return out;
    }

    static List<Rule> npdRuleSets() {
        List<Rule> rules = new ArrayList<>(KernelRules.RULES);
        // NPD's own (unfixed) kernel rules, its old multi-line OOM rule, filelog and abrt/systemd rules.
        rules.add(Rule.temporary("KernelOops", "divide error: 0000 \\[#\\d+\\] SMP"));
        rules.add(Rule.temporary("UnregisterNetDevice", "unregister_netdevice: waiting for \\w+ to become free. Usage count = \\d+"));
        rules.add(Rule.temporary("OOMKilling", "Kill process \\d+ (.+) score \\d+ or sacrifice child\\nKilled process \\d+ (.+) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:\\d+kB"));
        rules.add(Rule.temporary("TaskHung", "task \\S+:\\w+ blocked for more than \\w+ seconds\\."));
        rules.add(Rule.temporary("TCPMemOverFlow", "TCP: out of memory -- consider tuning tcp_mem"));
        rules.add(Rule.temporary("CCPPCrash", "Process \\d+ \\(\\S+\\) crashed in .*"));
        rules.add(Rule.temporary("KubeletStart", "Started (Kubernetes kubelet|kubelet.service|kubelet.service - Kubernetes kubelet|kubelet.service - kubelet: The Kubernetes Node Agent)."));
        rules.add(Rule.temporary("DockerStart", "Starting (Docker Application Container Engine|docker.service|docker.service - Docker Application Container Engine)..."));
        rules.add(Rule.temporary("DiskBadBlock", ".*([1-9]\\d{2,}) (Currently unreadable.*sectors|Offline uncorrectable sectors).*"));
        return rules;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10, 50})
    void sameMatchesAsNpdOnRealLookingLogs(int bufferSize) {
        Random random = new Random(42 + bufferSize);
        List<String> log = realLookingLog(random, 8_000, 0.05);

        assertSameMatches(npdRuleSets(), bufferSize, log);
        assertSameMatchesFromBytes(npdRuleSets(), bufferSize, utf8(log, random, false));
    }

    @RepeatedTest(60)
    void sameMatchesAsNpdForRandomRulesOnRandomLines(RepetitionInfo repetition) {
        Random random = new Random(1000L + repetition.getCurrentRepetition());
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
            rules.add(Rule.temporary("R" + i, RandomPatterns.pattern(random)));
        }
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            log.add(RandomPatterns.line(random));
        }

        int bufferSize = 1 + random.nextInt(6);
        assertSameMatches(rules, bufferSize, log);
        assertSameMatchesFromBytes(rules, bufferSize, utf8(log, random, true));
    }

    @Test
    void recoverPatternsMatchLikeRules() {
        List<Rule> rules = List.of(new Rule(RuleType.PERMANENT, "ReadonlyFilesystem", "FilesystemIsReadOnly",
                "Remounting filesystem read-only", "EXT4-fs \\(\\w+\\): re-mounted\\. Opts: .*", Duration.ZERO));
        List<String> log = List.of("a", "EXT4-fs (sda1): Remounting filesystem read-only", "b", "EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro");

        List<Match> matches = assertSameMatches(rules, 10, log);

        assertThat(matches).extracting(Match::recovery).containsExactly(false, true);
    }

    @Test
    void theMultiLineOomRuleReportsBothLinesAndTheFirstLinesNumber() {
        List<Rule> rules = List.of(Rule.temporary("OOMKilling",
                "Kill process \\d+ (.+) score \\d+ or sacrifice child\\nKilled process \\d+ (.+) total-vm:\\d+kB, anon-rss:\\d+kB, file-rss:\\d+kB"));
        List<String> log = List.of("x", "Kill process 12 (java) score 900 or sacrifice child", "Killed process 12 (java) total-vm:100kB, anon-rss:50kB, file-rss:0kB");

        List<Match> matches = assertSameMatches(rules, 10, log);

        assertThat(matches).singleElement().satisfies(m -> {
            assertThat(m.firstLine()).isEqualTo(2);
            assertThat(m.lastLine()).isEqualTo(3);
            assertThat(m.message()).isEqualTo(log.get(1) + "\n" + log.get(2));
        });
    }

    @Test
    void mostLinesNeverReachARegularExpression() {
        RuleEngine engine = new RuleEngine(KernelRules.RULES, 10);
        for (String line : realLookingLog(new Random(7), 100_000, 0.001)) {
            engine.push(line, T0, m -> { });
        }
        // 12 rules on 100,000 lines: NPD runs 1.2 million regular expressions.
        assertThat(engine.regexRuns()).isLessThan(2_000);
    }

    /** Not UTF-8: a lone continuation byte, cut sequences, an overlong form, an encoded surrogate, bytes never used. */
    private static final List<byte[]> MALFORMED = List.of(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
            new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xff},
            new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x98});

    /** The lines as a file holds them, in UTF-8; with {@code malformed}, one in five gets a malformed sequence somewhere. */
    static List<byte[]> utf8(List<String> log, Random random, boolean malformed) {
        List<byte[]> out = new ArrayList<>();
        for (String line : log) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (malformed && random.nextInt(5) == 0) {
                byte[] bad = MALFORMED.get(random.nextInt(MALFORMED.size()));
                int at = random.nextInt(bytes.length + 1);
                byte[] spoilt = new byte[bytes.length + bad.length];
                System.arraycopy(bytes, 0, spoilt, 0, at);
                System.arraycopy(bad, 0, spoilt, at, bad.length);
                System.arraycopy(bytes, at, spoilt, at + bad.length, bytes.length - at);
                bytes = spoilt;
            }
            out.add(bytes);
        }
        return out;
    }

    /**
     * The engine fed UTF-8 bytes (as a file source feeds it, at an offset in a larger reused array) finds
     * what NPD's matching finds in the decoded lines.
     */
    private static void assertSameMatchesFromBytes(List<Rule> rules, int bufferSize, List<byte[]> log) {
        RuleEngine engine = new RuleEngine(rules, bufferSize);
        NaiveRuleMatcher naive = new NaiveRuleMatcher(rules, bufferSize);
        List<Match> fromEngine = new ArrayList<>();
        List<Match> fromNaive = new ArrayList<>();
        byte[] block = new byte[4096];
        for (int i = 0; i < log.size(); i++) {
            Instant at = T0.plusMillis(i);
            byte[] line = log.get(i);
            // What surrounds the line in the array is another line's: literals the rules look for.
            Arrays.fill(block, (byte) 'x');
            byte[] around = "Killed process blocked for more than \n".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(around, 0, block, 0, around.length);
            int offset = 1 + i % 64;
            System.arraycopy(line, 0, block, offset, line.length);
            System.arraycopy(around, 0, block, offset + line.length, around.length);
            engine.push(block, offset, line.length, at, fromEngine::add);
            String decoded = new String(line, StandardCharsets.UTF_8);
            fromNaive.addAll(naive.push(decoded, at));
            if (fromEngine.size() != fromNaive.size()) {
                assertThat(fromEngine).as("matches after line %d (%s), rules %s", i + 1, decoded, rules).isEqualTo(fromNaive);
            }
        }
        assertThat(fromEngine).as("rules %s", rules).isEqualTo(fromNaive);
    }

    private static List<Match> assertSameMatches(List<Rule> rules, int bufferSize, List<String> log) {
        RuleEngine engine = new RuleEngine(rules, bufferSize);
        NaiveRuleMatcher naive = new NaiveRuleMatcher(rules, bufferSize);
        List<Match> fromEngine = new ArrayList<>();
        List<Match> fromNaive = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            Instant at = T0.plusMillis(i);
            engine.push(log.get(i), at, fromEngine::add);
            fromNaive.addAll(naive.push(log.get(i), at));
            if (fromEngine.size() != fromNaive.size()) {
                assertThat(fromEngine).as("matches after line %d (%s), rules %s", i + 1, log.get(i), rules).isEqualTo(fromNaive);
            }
        }
        assertThat(fromEngine).as("rules %s", rules).isEqualTo(fromNaive);
        return fromEngine;
    }
}
