package dev.nodemedic.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every way an operator installs nodemedic, rendered: each kustomize overlay (and the default), the
 * overlays with the optional components, and the Helm chart with default and example values.
 */
final class Renders {
    /** The kustomize component and the Helm example values of the opt-in certificate check. */
    static final String KUBELET_CERTIFICATE = "kubelet-certificate";

    private final DeployTree tree;
    private final Kustomize kustomize;
    private final HelmChart chart;
    private final Path scratch;

    Renders(DeployTree tree, Kustomize kustomize, Path scratch) {
        this.tree = tree;
        this.kustomize = kustomize;
        this.chart = new HelmChart(tree.chart());
        this.scratch = scratch;
    }

    static Renders fromBuild(Path scratch) {
        return new Renders(DeployTree.fromBuild(), Kustomize.fromBuild(), scratch);
    }

    /** The overlay folders under kustomize/overlays, by name. */
    List<String> overlays() {
        try (var dirs = Files.list(tree.kustomize().resolve("overlays"))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Manifests overlay(String name) throws IOException, InterruptedException {
        Path dir = tree.kustomize().resolve("overlays").resolve(name);
        return Manifests.parse("kustomize overlays/" + name, kustomize.build(dir));
    }

    Manifests defaultKustomization() throws IOException, InterruptedException {
        return Manifests.parse("kustomize (default)", kustomize.build(tree.kustomize()));
    }

    /** An overlay with components added, as an operator's own kustomization would add them. */
    Manifests overlayWith(String overlay, List<String> components) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(scratch, "kustomization");
        Path base = tree.kustomize();
        StringBuilder text = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
        // kustomize refuses absolute paths to other kustomizations: name them from here.
        text.append("  - ").append(dir.relativize(base.resolve("overlays").resolve(overlay))).append('\n');
        text.append("components:\n");
        components.forEach(c -> text.append("  - ").append(dir.relativize(base.resolve("components").resolve(c))).append('\n'));
        Files.writeString(dir.resolve("kustomization.yaml"), text);
        return Manifests.parse("kustomize overlays/" + overlay + " + " + String.join(" + ", components), kustomize.build(dir));
    }

    Manifests helm(String... exampleValues) {
        List<Path> files = new ArrayList<>();
        for (String example : exampleValues) {
            files.add(tree.deploy().resolve("helm/examples").resolve(example + ".yaml"));
        }
        return chart.render(exampleValues.length == 0 ? "helm (default values)" : "helm -f " + String.join(" -f ", exampleValues), files);
    }

    HelmChart chart() {
        return chart;
    }

    DeployTree tree() {
        return tree;
    }

    /** Every render that holds the remedy controller. */
    List<Manifests> withRemedy() throws IOException, InterruptedException {
        List<Manifests> all = new ArrayList<>();
        for (String overlay : overlays()) {
            Manifests rendered = overlay(overlay);
            if (rendered.ofKind("Deployment").anyMatch(d -> d.at("/metadata/name").asString().equals("nodemedic-remedy"))) {
                all.add(rendered);
            }
        }
        all.add(helm("remedy"));
        return all;
    }

    /** Every render that holds the detector. */
    List<Manifests> withDetector() throws IOException, InterruptedException {
        List<Manifests> all = new ArrayList<>();
        all.add(defaultKustomization());
        for (String overlay : overlays()) {
            Manifests rendered = overlay(overlay);
            if (rendered.ofKind("DaemonSet").findAny().isPresent()) {
                all.add(rendered);
            }
        }
        all.add(overlayWith("detector", List.of("monitoring", "plugin-reboot-required", "container-runtime", "conntrack-sidecar", "system-stats")));
        all.add(helm());
        all.add(helm("plugin-reboot-required", "monitoring", "container-runtime", "conntrack-sidecar", "system-stats"));
        all.addAll(withKubeletCertificate());
        return all;
    }

    /** The renders that opt in to kubelet-health's certificate check, the only ones that may mount the kubelet's pki. */
    List<Manifests> withKubeletCertificate() throws IOException, InterruptedException {
        return List.of(overlayWith("detector", List.of(KUBELET_CERTIFICATE)), helm(KUBELET_CERTIFICATE));
    }

    /** Whether {@code rendered} is one of {@link #withKubeletCertificate}: its source names the component or the example values. */
    static boolean optsInToKubeletCertificate(Manifests rendered) {
        return rendered.source().contains(KUBELET_CERTIFICATE);
    }
}
