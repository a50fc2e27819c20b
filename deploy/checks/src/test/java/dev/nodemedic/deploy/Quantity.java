package dev.nodemedic.deploy;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes memory quantities (binary and decimal suffixes), in whole MiB. */
final class Quantity {
    private static final Pattern QUANTITY = Pattern.compile("([0-9]+)(Ki|Mi|Gi|k|M|G)?");
    private static final Map<String, Long> BYTES = Map.of("", 1L, "Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "k", 1_000L, "M", 1_000_000L,
            "G", 1_000_000_000L);

    private Quantity() {
    }

    static long mebibytes(String quantity) {
        Matcher matcher = QUANTITY.matcher(quantity);
        if (!matcher.matches()) {
            throw new AssertionError("\"" + quantity + "\" is not a memory quantity this check reads (such as 128Mi or 1Gi)");
        }
        String suffix = matcher.group(2) == null ? "" : matcher.group(2);
        return Long.parseLong(matcher.group(1)) * BYTES.get(suffix) / (1L << 20);
    }
}
