package dev.nodemedic.deploy;

import java.util.regex.Pattern;

/**
 * An image reference as a manifest gives it, and as the kubelet hands it to containerd: a name without a
 * registry is Docker Hub's ({@code nodemedic:0.1.0} is asked for as {@code docker.io/library/nodemedic:0.1.0}),
 * so only a fully qualified reference finds an image imported from a tar under the name it was built with.
 */
record ImageReference(String value) {
    /** registry (a host with a dot or a port, or localhost) / path : tag. */
    private static final Pattern QUALIFIED = Pattern.compile("(localhost|[^/]*[.:][^/]*)/[a-z0-9._/-]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    ImageReference {
        if (value.isBlank()) {
            throw new IllegalArgumentException("an empty image reference");
        }
    }

    boolean isFullyQualified() {
        return QUALIFIED.matcher(value).matches();
    }

    /** What the kubelet asks containerd for (Docker's normalisation: docker.io, and library/ for a one-part path). */
    String asTheKubeletAsks() {
        int slash = value.indexOf('/');
        String first = slash < 0 ? "" : value.substring(0, slash);
        if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            return value;
        }
        return "docker.io/" + (slash < 0 ? "library/" : "") + value;
    }

    /** The repository's last part: {@code nodemedic} of {@code ghcr.io/nodemedic/nodemedic:0.1.0}. */
    String name() {
        String path = value.replaceFirst(":[^:/]+$", "");
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
