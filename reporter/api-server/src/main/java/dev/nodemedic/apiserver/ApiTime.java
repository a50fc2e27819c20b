package dev.nodemedic.apiserver;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** metav1.Time as the API server writes it: RFC 3339 in UTC, whole seconds (it drops fractions anyway). */
public final class ApiTime {
    private ApiTime() {
    }

    public static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
