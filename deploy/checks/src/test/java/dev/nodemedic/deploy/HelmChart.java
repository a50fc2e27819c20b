package dev.nodemedic.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The chart, rendered and linted by Helm itself (helm-java bundles Helm's Go code as a native library). */
record HelmChart(Path chart) {
    static final String RELEASE = "nodemedic";
    static final String NAMESPACE = "kube-system";
    /** Helm renders for a Kubernetes it assumes (v1.20) unless told; the chart needs a newer one. */
    static final String KUBERNETES = "v1.33.0";

    /** {@code helm template nodemedic CHART -n kube-system -f FILE... --set K=V...}. */
    String template(List<Path> valuesFiles, Map<String, Object> sets) {
        return template(NAMESPACE, valuesFiles, sets);
    }

    /** {@code helm template nodemedic CHART -n NAMESPACE -f FILE... --set K=V...}: a release in a namespace of the operator's choice. */
    String template(String namespace, List<Path> valuesFiles, Map<String, Object> sets) {
        TemplateCommand command = new Helm(chart).template().withName(RELEASE).withNamespace(namespace).withKubeVersion(KUBERNETES);
        valuesFiles.forEach(command::withValuesFile);
        sets.forEach(command::set);
        return command.call();
    }

    Manifests render(String source, List<Path> valuesFiles) {
        return Manifests.parse(source, template(valuesFiles, Map.of()));
    }

    /** {@code helm lint --strict}: warnings count as failures. */
    LintResult lint() {
        return new Helm(chart).lint().strict().call();
    }
}
