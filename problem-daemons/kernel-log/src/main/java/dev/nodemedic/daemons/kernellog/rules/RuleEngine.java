package dev.nodemedic.daemons.kernellog.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Matches lines against rules with NPD's semantics, quickly.
 *
 * <p>NPD's semantics: each new line goes into a ring of the last {@code bufferSize} lines; every
 * pattern is matched against the ring joined by {@code \n} (oldest first, empty slots as empty
 * strings) and must match at its end; a match reports the lines it spans. Here the patterns are
 * compiled once, and a line reaches a pattern only when one of the literals the pattern requires
 * occurs in the line (or, for a pattern that may span lines, anywhere in the ring). A pattern that
 * cannot span lines runs on the newest line alone, which gives the same match; only a multi-line
 * candidate pays for joining the ring. Per line, without a match, nothing is allocated.
 *
 * <p>Not thread-safe: one source thread pushes lines.
 */
public final class RuleEngine {
    private final int bufferSize;
    private final CompiledPattern[] patterns;
    private final LiteralScanner scanner;
    private final int words;
    /** The ring: messages, timestamps and found-literal bits of the last bufferSize lines. */
    private final String[] messages;
    private final Instant[] timestamps;
    private final long[] found;
    private final long[] windowFound;
    /** Some pattern may span lines: every message in the ring is needed as text, not only those a pattern runs on. */
    private final boolean keepsMessages;
    /** No pattern runs on every line, and none may span lines: a line without any literal is done once scanned. */
    private final boolean everyPatternNeedsALiteral;
    private final StringBuilder joined = new StringBuilder();
    private long lines;
    private long regexRuns;

    /**
     * One pattern to run: a rule's pattern, or its recover pattern.
     *
     * @param literalMask bits of the scanner's literals, one of which must be present; empty: always run
     */
    private record CompiledPattern(int ruleIndex, Rule rule, boolean recovery, Pattern regex, RequiredLiterals literals, long[] literalMask,
                                   boolean alwaysRun, boolean lineLocal) {
        CompiledPattern(int ruleIndex, Rule rule, boolean recovery, Pattern regex, RequiredLiterals literals, long[] literalMask) {
            // Kept as fields: asked for every pattern on every line.
            this(ruleIndex, rule, recovery, regex, literals, literalMask, literals.anyOf().isEmpty(), literals.lineLocal());
        }
    }

    public RuleEngine(List<Rule> rules, int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize " + bufferSize + " must be at least 1");
        }
        this.bufferSize = bufferSize;
        // The same compile the config's binding ran: what check-config accepted runs here.
        List<CompiledRules.Compiled> specs = CompiledRules.compile(rules).patterns();
        Map<String, Integer> literalIds = new LinkedHashMap<>();
        for (CompiledRules.Compiled spec : specs) {
            for (String literal : spec.literals().anyOf()) {
                literalIds.putIfAbsent(literal, literalIds.size());
            }
        }
        this.scanner = new LiteralScanner(List.copyOf(literalIds.keySet()));
        this.words = scanner.words();
        this.patterns = new CompiledPattern[specs.size()];
        for (int k = 0; k < specs.size(); k++) {
            CompiledRules.Compiled spec = specs.get(k);
            long[] mask = new long[words];
            for (String literal : spec.literals().anyOf()) {
                int id = literalIds.get(literal);
                mask[id >>> 6] |= 1L << (id & 63);
            }
            patterns[k] = new CompiledPattern(spec.ruleIndex(), spec.rule(), spec.recovery(), spec.regex(), spec.literals(), mask);
        }
        this.keepsMessages = Arrays.stream(patterns).anyMatch(p -> !p.lineLocal());
        this.everyPatternNeedsALiteral = !keepsMessages && Arrays.stream(patterns).noneMatch(CompiledPattern::alwaysRun);
        this.messages = new String[bufferSize];
        this.timestamps = new Instant[bufferSize];
        this.found = new long[bufferSize * words];
        this.windowFound = new long[words];
    }

    /**
     * Takes the next line and reports every pattern that now matches at the end of the buffer, in
     * rule order (a rule's recover pattern before its pattern).
     *
     * @return how many matches were reported
     */
    public int push(String message, Instant timestamp, Consumer<Match> matches) {
        int slot = (int) (lines % bufferSize);
        messages[slot] = message;
        timestamps[slot] = timestamp;
        lines++;
        if (!scanner.scan(message, found, slot * words) && everyPatternNeedsALiteral) {
            return 0;
        }
        return runCandidates(slot, null, 0, 0, matches);
    }

    /**
     * {@link #push(String, Instant, Consumer)} of a message given as {@code length} bytes of UTF-8 from
     * {@code offset} (read only during the call). The prefilter scans the bytes; the message is decoded
     * only when a pattern is to run on it, or when a pattern that may span lines needs it kept. Most
     * lines of a file thus cost no {@code String} at all: the same matches, and nothing allocated.
     */
    public int push(byte[] utf8, int offset, int length, Instant timestamp, Consumer<Match> matches) {
        int slot = (int) (lines % bufferSize);
        messages[slot] = keepsMessages ? new String(utf8, offset, length, StandardCharsets.UTF_8) : null;
        timestamps[slot] = timestamp;
        lines++;
        if (!scanner.scan(utf8, offset, offset + length, found, slot * words) && everyPatternNeedsALiteral) {
            return 0; // most lines: no literal, so no pattern to run
        }
        return runCandidates(slot, utf8, offset, length, matches);
    }

    /** The patterns the prefilter lets through run; {@code utf8} is the message when it is not decoded yet. */
    private int runCandidates(int slot, byte[] utf8, int offset, int length, Consumer<Match> matches) {
        boolean windowReady = false;
        int reported = 0;
        for (CompiledPattern pattern : patterns) {
            boolean candidate;
            if (pattern.alwaysRun()) {
                candidate = true;
            } else if (pattern.lineLocal()) {
                candidate = intersects(found, slot * words, pattern.literalMask());
            } else {
                if (!windowReady) {
                    orWindow();
                    windowReady = true;
                }
                candidate = intersects(windowFound, 0, pattern.literalMask());
            }
            if (candidate) {
                if (messages[slot] == null) {
                    messages[slot] = new String(utf8, offset, length, StandardCharsets.UTF_8);
                }
                if (run(pattern, slot, matches)) {
                    reported++;
                }
            }
        }
        return reported;
    }

    private boolean intersects(long[] bits, int offset, long[] mask) {
        for (int w = 0; w < words; w++) {
            if ((bits[offset + w] & mask[w]) != 0) {
                return true;
            }
        }
        return false;
    }

    private void orWindow() {
        for (int w = 0; w < words; w++) {
            long bits = 0;
            for (int s = 0; s < bufferSize; s++) {
                bits |= found[s * words + w];
            }
            windowFound[w] = bits;
        }
    }

    private boolean run(CompiledPattern pattern, int slot, Consumer<Match> matches) {
        regexRuns++;
        if (pattern.lineLocal()) {
            String line = messages[slot];
            if (!pattern.regex().matcher(line).find()) {
                return false;
            }
            matches.accept(new Match(pattern.ruleIndex(), pattern.rule(), pattern.recovery(), line, timestamps[slot], lines, lines));
            return true;
        }
        // NPD's buffer text: all bufferSize slots, oldest first, slots never filled as "".
        joined.setLength(0);
        for (int i = 0; i < bufferSize; i++) {
            if (i > 0) {
                joined.append('\n');
            }
            long line = lines - bufferSize + i;
            if (line >= 0) {
                joined.append(messages[(int) (line % bufferSize)]);
            }
        }
        Matcher m = pattern.regex().matcher(joined);
        if (!m.find()) {
            return false;
        }
        // NPD's walk back from the newest line until the lines taken cover the match's start.
        int start = m.start();
        int covered = 0;
        int taken = 0;
        int available = (int) Math.min(lines, bufferSize);
        while (taken < available) {
            long line = lines - 1 - taken;
            covered += messages[(int) (line % bufferSize)].length() + 1;
            taken++;
            if (covered > joined.length() - start - 1) {
                break;
            }
        }
        long first = lines - taken;
        StringBuilder message = new StringBuilder();
        for (long line = first; line < lines; line++) {
            if (line > first) {
                message.append('\n');
            }
            message.append(messages[(int) (line % bufferSize)]);
        }
        matches.accept(new Match(pattern.ruleIndex(), pattern.rule(), pattern.recovery(), message.toString(),
                timestamps[(int) (first % bufferSize)], first + 1, lines));
        return true;
    }

    /** Lines pushed so far. */
    public long lines() {
        return lines;
    }

    /** How many times a regular expression ran: what the prefilter did not save. */
    public long regexRuns() {
        return regexRuns;
    }

    /** What the prefilter knows of each rule's pattern, in rule order, for {@code rules test --explain}. */
    public List<RequiredLiterals> requiredLiterals() {
        List<RequiredLiterals> out = new ArrayList<>();
        for (CompiledPattern pattern : patterns) {
            if (!pattern.recovery()) {
                out.add(pattern.literals());
            }
        }
        return List.copyOf(out);
    }
}
