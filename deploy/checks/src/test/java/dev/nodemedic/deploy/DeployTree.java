package dev.nodemedic.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the checked files are: the deploy folder of this repository, and the agent's and the remedy
 * controller's distributions the build assembled. The build passes both as system properties; a run outside Maven names them too.
 */
record DeployTree(Path deploy, Path dist, Path remedyDist) {
    DeployTree {
        if (!Files.isDirectory(deploy.resolve("kustomize"))) {
            throw new IllegalStateException(deploy + " holds no kustomize folder; set -Dnodemedic.deploy to the repository's deploy folder");
        }
    }

    static DeployTree fromBuild() {
        return new DeployTree(Path.of(property("nodemedic.deploy")).toAbsolutePath().normalize(),
                Path.of(property("nodemedic.dist")).toAbsolutePath().normalize(), Path.of(property("nodemedic.remedy.dist")).toAbsolutePath().normalize());
    }

    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; the module's pom sets it for surefire (run through ./mvnw)");
        }
        return value;
    }

    /** The remedy controller's launcher; the reactor builds remedy-controller before this module. */
    Path remedyLauncher() {
        Path launcher = remedyDist.resolve("bin/nodemedic-remedy");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is missing: build the remedy controller first (./mvnw -pl remedy-controller package)");
        }
        return launcher;
    }

    Path kustomize() {
        return deploy.resolve("kustomize");
    }

    Path chart() {
        return deploy.resolve("helm/nodemedic");
    }

    /** The agent's launcher; the reactor builds detector-core before this module. */
    Path launcher() {
        Path launcher = dist.resolve("bin/nodemedic");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is missing: build the agent first (./mvnw -pl detector-core package)");
        }
        return launcher;
    }
}
