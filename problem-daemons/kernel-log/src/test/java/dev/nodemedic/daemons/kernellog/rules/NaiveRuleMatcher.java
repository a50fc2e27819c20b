package dev.nodemedic.daemons.kernellog.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * NPD's log buffer, transcribed as plainly as possible: every pattern on the joined buffer for every
 * line. The reference the engine is held to.
 */
final class NaiveRuleMatcher {
    private final List<Rule> rules;
    private final java.util.Map<String, Pattern> compiled = new java.util.HashMap<>();
    private final int max;
    private final String[] messages;
    private final Instant[] timestamps;
    private long current;

    NaiveRuleMatcher(List<Rule> rules, int bufferSize) {
        this.rules = rules;
        this.max = bufferSize;
        this.messages = new String[bufferSize];
        this.timestamps = new Instant[bufferSize];
    }

    List<Match> push(String message, Instant timestamp) {
        messages[(int) (current % max)] = message;
        timestamps[(int) (current % max)] = timestamp;
        current++;
        List<Match> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (!rule.recoverPattern().isEmpty()) {
                match(i, rule, true, rule.recoverPattern(), out);
            }
            match(i, rule, false, rule.pattern(), out);
        }
        return out;
    }

    private void match(int index, Rule rule, boolean recovery, String expression, List<Match> out) {
        StringBuilder log = new StringBuilder();
        for (int k = 0; k < max; k++) {
            String m = messages[(int) ((current + k) % max)];
            if (k > 0) {
                log.append('\n');
            }
            log.append(m == null ? "" : m);
        }
        Matcher matcher = compiled.computeIfAbsent(expression, e -> Pattern.compile(e + "\\z")).matcher(log);
        if (!matcher.find()) {
            return;
        }
        int s = log.length() - matcher.start() - 1;
        int total = 0;
        List<Integer> matched = new ArrayList<>();
        for (long i = current + max - 1; i >= current && messages[(int) (i % max)] != null; i--) {
            matched.add((int) (i % max));
            total += messages[(int) (i % max)].length() + 1;
            if (total > s) {
                break;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int k = matched.size() - 1; k >= 0; k--) {
            text.append(messages[matched.get(k)]);
            if (k > 0) {
                text.append('\n');
            }
        }
        long first = current - matched.size() + 1;
        out.add(new Match(index, rule, recovery, text.toString(), timestamps[matched.getLast()], first, current));
    }
}
