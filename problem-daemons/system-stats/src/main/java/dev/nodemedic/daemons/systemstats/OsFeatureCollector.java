package dev.nodemedic.daemons.systemstats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NPD's osFeature component: {@code system_os_feature{os_feature,value}}, 1 when a feature is on.
 * From {@code /proc/cmdline}: {@code KTD} ({@code csm.enabled}), {@code UnifiedCgroupHierarchy}
 * ({@code systemd.unified_cgroup_hierarchy}), {@code KernelModuleIntegrity} ({@code module.sig_enforce}
 * and {@code loadpin.enabled} both 1). From {@code /proc/modules}: {@code GPUSupport} (a module named
 * {@code *nvidia*}) and {@code UnknownModules} (out-of-tree or proprietary modules not in the
 * known-modules file, named in {@code value}). A value that is not a number counts as 0, as NPD's
 * parse leaves it; {@code value} is empty where NPD gives it none.
 */
final class OsFeatureCollector implements Collector {
    /** The only field NPD reads from each known module; the file is NPD's, a JSON array of module objects. */
    private static final Pattern MODULE_NAME = Pattern.compile("\"moduleName\"\\s*:\\s*\"([^\"]*)\"");

    private final Path cmdline;
    private final Path modules;
    private final Path knownModules;
    private final System.Logger logger;
    private boolean knownModulesMissingSaid;

    OsFeatureCollector(HostPaths paths, Path knownModules, System.Logger logger) {
        this.cmdline = paths.proc().resolve("cmdline");
        this.modules = paths.proc().resolve("modules");
        this.knownModules = knownModules;
        this.logger = logger;
    }

    @Override
    public NpdMetric.Component component() {
        return NpdMetric.Component.OS_FEATURE;
    }

    @Override
    public void collect(Instant now, Samples out) throws IOException {
        Map<String, Long> args = kernelArguments(Files.readString(cmdline));
        feature(out, "KTD", "", args.getOrDefault("csm.enabled", 0L));
        feature(out, "UnifiedCgroupHierarchy", "", args.getOrDefault("systemd.unified_cgroup_hierarchy", 0L));
        boolean integrity = args.getOrDefault("module.sig_enforce", 0L) == 1 && args.getOrDefault("loadpin.enabled", 0L) == 1;
        feature(out, "KernelModuleIntegrity", "", integrity ? 1 : 0);

        Set<String> known = knownModules();
        boolean gpu = false;
        List<String> unknown = new ArrayList<>();
        // A kernel built without module support (CONFIG_MODULES=n) has no /proc/modules: no module is loaded, none is unknown.
        ProcText text = Files.exists(modules) ? ProcText.read(modules) : ProcText.of("");
        while (text.nextLine()) {
            String name = text.word();
            if (name.isEmpty()) {
                continue;
            }
            // name, size, instances, dependencies, state, address, then the taint flags when there are any: "(POE)".
            for (int i = 0; i < 5; i++) {
                text.word();
            }
            String taints = text.word();
            if (name.contains("nvidia")) {
                gpu = true;
            } else if ((taints.indexOf('O') >= 0 || taints.indexOf('P') >= 0) && !known.contains(name)) {
                unknown.add(name);
            }
        }
        feature(out, "UnknownModules", String.join(",", unknown), unknown.isEmpty() ? 0 : 1);
        feature(out, "GPUSupport", "", gpu ? 1 : 0);
    }

    private static void feature(Samples out, String feature, String value, long enabled) {
        out.add(NpdMetric.OS_FEATURE, Map.of("os_feature", feature, "value", value), enabled);
    }

    /**
     * NPD's reading of the kernel command line: words split at spaces outside double quotes, words that
     * start with a quote skipped, {@code key=value} with the value's quotes trimmed.
     */
    static Map<String, Long> kernelArguments(String cmdline) {
        Map<String, Long> args = new HashMap<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < cmdline.length(); i++) {
            char c = cmdline.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                word.append(c);
            } else if ((c == ' ' || c == '\n') && !quoted) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        for (String w : words) {
            if (w.startsWith("\"")) {
                continue;
            }
            String[] tokens = w.split("=", 3);
            long value = 0;
            if (tokens.length >= 2) {
                try {
                    value = Long.parseLong(unquote(tokens[1]));
                } catch (NumberFormatException e) {
                    value = 0;
                }
            }
            args.put(tokens[0], value);
        }
        return args;
    }

    /** Go's strings.Trim(value, "\"'"). */
    private static String unquote(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == '"' || value.charAt(start) == '\'')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == '"' || value.charAt(end - 1) == '\'')) {
            end--;
        }
        return value.substring(start, end);
    }

    /** NPD reads the file every cycle, so an edited ConfigMap counts without a restart; without it every such module is unknown. */
    private Set<String> knownModules() throws IOException {
        String json;
        try {
            json = Files.readString(knownModules);
        } catch (NoSuchFileException e) {
            if (!knownModulesMissingSaid) {
                knownModulesMissingSaid = true;
                logger.log(System.Logger.Level.WARNING, "known modules file missing; every out-of-tree or proprietary module counts as unknown file={0}", knownModules);
            }
            return Set.of();
        }
        knownModulesMissingSaid = false;
        Set<String> names = new HashSet<>();
        Matcher matcher = MODULE_NAME.matcher(json);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
