package dev.nodemedic.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The image names deploy/image's build gives its tars, read from its pom as Maven resolves them: Jib's
 * {@code to.image} of every execution outside the profiles, with the pom's properties and
 * {@code image.tag}, which build-helper's {@code regex-property} (execution {@code image-tag}) makes from the version.
 */
record ImageBuild(Path pom, List<String> references) {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    static ImageBuild read(Path pom, String projectVersion) {
        Element project = parse(pom).getDocumentElement();
        Element build = child(project, "build").orElseThrow(() -> new IllegalStateException(pom + " has no <build>"));
        Map<String, String> properties = new HashMap<>();
        properties.put("project.version", projectVersion);
        child(project, "properties").ifPresent(props -> children(props).forEach(p -> properties.put(p.getTagName(), p.getTextContent().strip())));

        Element tagRule = executions(pom, build, "build-helper-maven-plugin").stream()
                .filter(e -> text(e, "id").equals("image-tag")).findFirst()
                .flatMap(e -> child(e, "configuration"))
                .orElseThrow(() -> new IllegalStateException(pom + ": no build-helper execution image-tag, which makes ${image.tag}"));
        String tag = resolve(pom, text(tagRule, "value"), properties).replaceAll(text(tagRule, "regex"), text(tagRule, "replacement"));
        properties.put(text(tagRule, "name"), tag);

        List<String> references = new ArrayList<>();
        Element jib = plugin(pom, build, "jib-maven-plugin");
        for (Element configuration : configurations(jib)) {
            child(configuration, "to").flatMap(to -> child(to, "image")).ifPresent(image -> references.add(resolve(pom, image.getTextContent().strip(), properties)));
        }
        return new ImageBuild(pom, List.copyOf(references));
    }

    /**
     * The platform both images are built for: build-base.sh takes its files from the build machine's
     * Debian (amd64) and the registry profile pins amd64. WorkloadsInContainersIT reads it from the tars.
     */
    static final String PLATFORM = "linux/amd64";

    /** The one reference of the image whose repository's last part is {@code name} ({@code nodemedic}, {@code nodemedic-remedy}). */
    String reference(String name) {
        List<String> found = references.stream().filter(r -> new ImageReference(r).name().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(pom + " builds " + references + ": expected one image " + name + ", found " + found.size());
        }
        return found.getFirst();
    }

    private static List<Element> configurations(Element plugin) {
        List<Element> all = new ArrayList<>();
        child(plugin, "configuration").ifPresent(all::add);
        child(plugin, "executions").ifPresent(executions -> children(executions).forEach(e -> child(e, "configuration").ifPresent(all::add)));
        return all;
    }

    private static List<Element> executions(Path pom, Element build, String artifactId) {
        return child(plugin(pom, build, artifactId), "executions").map(ImageBuild::children).orElse(List.of());
    }

    private static Element plugin(Path pom, Element build, String artifactId) {
        return child(build, "plugins").stream().flatMap(plugins -> children(plugins).stream())
                .filter(p -> text(p, "artifactId").equals(artifactId)).findFirst()
                .orElseThrow(() -> new IllegalStateException(pom + ": no " + artifactId + " in <build><plugins>"));
    }

    private static String resolve(Path pom, String value, Map<String, String> properties) {
        Matcher property = PROPERTY.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (property.find()) {
            String name = property.group(1);
            String replacement = properties.get(name);
            if (replacement == null) {
                throw new IllegalStateException(pom + ": " + value + " names ${" + name + "}, which neither its <properties> nor the tag rule define");
            }
            property.appendReplacement(resolved, Matcher.quoteReplacement(resolve(pom, replacement, properties)));
        }
        return property.appendTail(resolved).toString();
    }

    private static Document parse(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(pom.toFile());
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().strip()).orElse("");
    }

    private static Optional<Element> child(Element parent, String name) {
        return children(parent).stream().filter(e -> e.getTagName().equals(name)).findFirst();
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                elements.add(element);
            }
        }
        return elements;
    }
}
