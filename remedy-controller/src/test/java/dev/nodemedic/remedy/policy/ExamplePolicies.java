package dev.nodemedic.remedy.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every NodeRemedyPolicy the repository offers users to apply, as the API server would receive it: the
 * controller's examples, the kustomize example, the Helm example values' {@code remedy.policies} (made
 * into objects as the chart's template makes them) and any policy in a fenced YAML block of a README or
 * a page under docs/. Tests run from the module's folder, so the repository is its parent.
 */
final class ExamplePolicies {
    /** One policy, named by where it came from. */
    record ExamplePolicy(String source, JsonNode object) {
        @Override
        public String toString() {
            return source;
        }
    }

    static final Path REPOSITORY = Path.of("..");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```ya?ml\\s*$(.*?)^```\\s*$");

    /** The controller's own examples, remedy-controller/examples/*.yaml. */
    static List<ExamplePolicy> controllerExamples() {
        return policiesIn(REPOSITORY.resolve("remedy-controller/examples"), "remedy-controller/examples/");
    }

    /** What {@code kubectl apply -k deploy/kustomize/examples/remedy-policy} creates: the files its kustomization lists. */
    static List<ExamplePolicy> kustomizeExample() {
        Path dir = REPOSITORY.resolve("deploy/kustomize/examples/remedy-policy");
        List<ExamplePolicy> policies = new ArrayList<>();
        for (JsonNode resource : read(dir.resolve("kustomization.yaml")).getFirst().path("resources")) {
            Path file = dir.resolve(resource.asString());
            policies.addAll(policies(read(file), "deploy/kustomize/examples/remedy-policy/" + resource.asString()));
        }
        return policies;
    }

    /** The policies of every Helm example values file, as templates/remedy.yaml renders {@code remedy.policies}. */
    static List<ExamplePolicy> helmExamples() {
        List<ExamplePolicy> policies = new ArrayList<>();
        for (Path file : files(REPOSITORY.resolve("deploy/helm/examples"), ".yaml")) {
            for (JsonNode values : read(file)) {
                for (JsonNode entry : values.at("/remedy/policies")) {
                    ObjectNode object = JsonNodeFactory.instance.objectNode();
                    object.put("apiVersion", NodeRemedyPolicy.GROUP + "/" + NodeRemedyPolicy.VERSION);
                    object.put("kind", "NodeRemedyPolicy");
                    object.putObject("metadata").put("name", entry.path("name").asString());
                    object.set("spec", entry.path("spec"));
                    policies.add(new ExamplePolicy("deploy/helm/examples/" + file.getFileName() + " remedy.policies " + entry.path("name").asString(), object));
                }
            }
        }
        return policies;
    }

    /** Policies written out in the READMEs and docs/, in fenced YAML blocks. */
    static List<ExamplePolicy> documented() {
        List<Path> pages = new ArrayList<>(List.of(REPOSITORY.resolve("README.md"), REPOSITORY.resolve("remedy-controller/README.md"),
                REPOSITORY.resolve("deploy/README.md")));
        pages.addAll(files(REPOSITORY.resolve("docs"), ".md"));
        List<ExamplePolicy> policies = new ArrayList<>();
        for (Path page : pages) {
            Matcher block = YAML_BLOCK.matcher(text(page));
            for (int n = 1; block.find(); n++) {
                // Other blocks (values, configs) may hold placeholders that are no YAML: only policies are read.
                if (block.group(1).contains("kind: NodeRemedyPolicy")) {
                    policies.addAll(policies(parse(block.group(1), page + " block " + n), REPOSITORY.relativize(page) + " YAML block " + n));
                }
            }
        }
        return policies;
    }

    static List<ExamplePolicy> all() {
        return Stream.of(controllerExamples(), kustomizeExample(), helmExamples(), documented()).flatMap(List::stream).toList();
    }

    private static List<ExamplePolicy> policiesIn(Path dir, String source) {
        List<ExamplePolicy> policies = new ArrayList<>();
        for (Path file : files(dir, ".yaml")) {
            policies.addAll(policies(read(file), source + file.getFileName()));
        }
        return policies;
    }

    private static List<ExamplePolicy> policies(List<JsonNode> documents, String source) {
        List<JsonNode> found = documents.stream().filter(d -> d.path("kind").asString().equals("NodeRemedyPolicy")).toList();
        return found.stream().map(d -> new ExamplePolicy(found.size() == 1 ? source : source + " " + d.at("/metadata/name").asString(), d)).toList();
    }

    private static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.toAbsolutePath().normalize(), e);
        }
    }

    private static List<JsonNode> read(Path file) {
        return parse(text(file), file.toString());
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath().normalize(), e);
        }
    }

    /** Every document of a YAML text; an empty document (a lone ---) is skipped. */
    private static List<JsonNode> parse(String yaml, String source) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            return documents.readAll().stream().filter(Objects::nonNull).filter(JsonNode::isObject).toList();
        } catch (RuntimeException e) {
            throw new IllegalStateException(source + " is not YAML: " + e.getMessage(), e);
        }
    }

    private ExamplePolicies() {
    }
}
