package dev.nodemedic.daemons.kernellog.rules;

import java.util.List;
import java.util.Random;

/** Random RE2 patterns and lines over one small vocabulary, so that they often meet. */
final class RandomPatterns {
    private static final List<String> WORDS = List.of("task", "docker", "blocked", "error", "EXT4-fs", "XFS", "Killed", "process", "ab", "a", "b", ":", "-", "[#1]", "é", "x");
    private static final List<String> PIECES = List.of("\\d+", "\\w+", "\\S+", ".*", ".+", "[\\S ]+", "\\s+", "\\s*", "[0-9]", "[#]", "[^a]", "\\b", "$", "^",
            "\\n", "(?s).", "(?i)task", "\\.", "\\[#\\d+\\]", "[a-c]+", "\\x41", "\\Qa.b\\E", "é+");

    private RandomPatterns() {
    }

    static String pattern(Random random) {
        StringBuilder p = new StringBuilder();
        int parts = 1 + random.nextInt(5);
        for (int i = 0; i < parts; i++) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                p.append(quote(WORDS.get(random.nextInt(WORDS.size()))));
            } else if (kind < 7) {
                p.append(PIECES.get(random.nextInt(PIECES.size())));
            } else if (kind < 8) {
                p.append('(').append(quote(WORDS.get(random.nextInt(WORDS.size())))).append('|').append(quote(WORDS.get(random.nextInt(WORDS.size())))).append(')');
            } else if (kind < 9) {
                p.append("(?:").append(quote(WORDS.get(random.nextInt(WORDS.size())))).append(")").append(List.of("?", "*", "+", "{2}", "{0,1}").get(random.nextInt(5)));
            } else {
                p.append(' ');
            }
        }
        if (random.nextInt(8) == 0) {
            p.append('|').append(quote(WORDS.get(random.nextInt(WORDS.size()))));
        }
        return p.toString();
    }

    private static String quote(String word) {
        return word.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(".", "\\.");
    }

    static String line(Random random) {
        StringBuilder line = new StringBuilder();
        int words = random.nextInt(7);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                line.append(random.nextInt(5) == 0 ? "" : " ");
            }
            int kind = random.nextInt(6);
            if (kind == 0) {
                line.append(random.nextInt(1000));
            } else {
                line.append(WORDS.get(random.nextInt(WORDS.size())));
            }
        }
        return line.toString();
    }
}
