package dev.nodemedic.remedy.policy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The CRD the build generated from the Java types (crd-generator-maven-plugin, into target/classes). */
final class GeneratedCrd {
    static final String RESOURCE = "META-INF/fabric8/noderemedypolicies.remedy.nodemedic.dev-v1.yml";

    static CustomResourceDefinition read() {
        try (InputStream in = GeneratedCrd.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path: the build's crd-generator-maven-plugin did not run");
            }
            return new KubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private GeneratedCrd() {
    }
}
