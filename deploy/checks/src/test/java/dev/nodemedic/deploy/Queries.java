package dev.nodemedic.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every PromQL expression nodemedic ships, with where it is, for a message that leads to it. */
final class Queries {
    record Query(String where, String expression) {
        @Override
        public String toString() {
            return where + ": " + expression;
        }
    }

    /** Grafana's {@code label_values(METRIC_SELECTOR, LABEL)}: the selector is PromQL, the label is not. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*\\w+\\s*\\)");
    private static final JsonMapper JSON = new JsonMapper();

    private Queries() {
    }

    static List<Query> inDashboard(String where, String json) {
        JsonNode dashboard = JSON.readTree(json);
        List<Query> queries = new ArrayList<>();
        collectTargets(where, dashboard.path("panels"), queries);
        for (JsonNode variable : dashboard.at("/templating/list").values()) {
            if (variable.path("type").asString().equals("query")) {
                JsonNode query = variable.path("query");
                String text = query.isObject() ? query.path("query").asString() : query.asString();
                Matcher labelValues = LABEL_VALUES.matcher(text);
                queries.add(new Query(where + " variable " + variable.path("name").asString(), labelValues.matches() ? labelValues.group(1) : text));
            }
        }
        return queries;
    }

    private static void collectTargets(String where, JsonNode panels, List<Query> into) {
        for (JsonNode panel : panels.values()) {
            for (JsonNode target : panel.path("targets").values()) {
                if (target.has("expr")) {
                    into.add(new Query(where + " panel \"" + panel.path("title").asString() + "\" " + target.path("refId").asString(), target.path("expr").asString()));
                }
            }
            // A collapsed row keeps its panels inside it.
            collectTargets(where, panel.path("panels"), into);
        }
    }

    /** A Prometheus rules file or a PrometheusRule's spec: groups[].rules[].expr. */
    static List<Query> inRuleGroups(String where, JsonNode groups) {
        List<Query> queries = new ArrayList<>();
        for (JsonNode group : groups.values()) {
            for (JsonNode rule : group.path("rules").values()) {
                String name = rule.has("alert") ? rule.path("alert").asString() : rule.path("record").asString();
                queries.add(new Query(where + " " + name, rule.path("expr").asString()));
            }
        }
        return queries;
    }

    static List<Query> inFiles(Path deploy) throws IOException {
        List<Query> queries = new ArrayList<>();
        try (Stream<Path> dashboards = Files.list(deploy.resolve("dashboards"))) {
            for (Path file : dashboards.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                queries.addAll(inDashboard(deploy.relativize(file).toString(), Files.readString(file)));
            }
        }
        try (Stream<Path> alerts = Files.list(deploy.resolve("alerts"))) {
            for (Path file : alerts.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                queries.addAll(inRuleGroups(deploy.relativize(file).toString(), Manifests.parseYaml(Files.readString(file)).path("groups")));
            }
        }
        return queries;
    }

    static List<Query> inRender(Manifests rendered) {
        List<Query> queries = new ArrayList<>();
        rendered.ofKind("PrometheusRule").forEach(rule -> queries.addAll(inRuleGroups(rendered.source() + " PrometheusRule", rule.at("/spec/groups"))));
        rendered.ofKind("ConfigMap").forEach(map -> map.path("data").properties().forEach(file -> {
            if (file.getKey().endsWith(".json") && file.getValue().asString().contains("\"panels\"")) {
                queries.addAll(inDashboard(rendered.source() + " ConfigMap " + map.at("/metadata/name").asString(), file.getValue().asString()));
            }
        }));
        return queries;
    }
}
