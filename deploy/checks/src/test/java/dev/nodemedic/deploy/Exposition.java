package dev.nodemedic.deploy;

import java.util.Set;
import java.util.TreeSet;

/** The series names in a Prometheus text exposition: what a query can select, suffixes included (_total, _sum, _count, _max). */
final class Exposition {
    private Exposition() {
    }

    static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        });
        return names;
    }
}
