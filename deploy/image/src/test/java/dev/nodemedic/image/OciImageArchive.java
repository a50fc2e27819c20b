package dev.nodemedic.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image tar in OCI image layout (what {@code jib:buildTar} writes with format OCI): {@code index.json}
 * names the manifest, the manifest names the config and the layers, all as blobs under
 * {@code blobs/sha256/}. The blobs are unpacked into a folder and read from there.
 */
final class OciImageArchive {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path blobs;
    private final JsonNode manifest;
    private final String refName;

    private OciImageArchive(Path blobs, JsonNode manifest, String refName) {
        this.blobs = blobs;
        this.manifest = manifest;
        this.refName = refName;
    }

    static OciImageArchive open(Path tar, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream archive = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = archive.getNextEntry(); entry != null; entry = archive.getNextEntry()) {
                if (entry.isFile()) {
                    Path target = into.resolve(entry.getName()).normalize();
                    if (!target.startsWith(into)) {
                        throw new IOException(tar + ": entry " + entry.getName() + " points outside the archive");
                    }
                    Files.createDirectories(target.getParent());
                    Files.copy(archive, target);
                }
            }
        }
        Path index = into.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            throw new IOException(tar + " has no index.json: not an image tar in OCI layout (Jib's container.format must be OCI)");
        }
        JsonNode manifests = JSON.readTree(index.toFile()).path("manifests");
        if (manifests.size() != 1) {
            throw new IOException(tar + ": index.json lists " + manifests.size() + " manifests, expected the one image");
        }
        Path blobs = into.resolve("blobs/sha256");
        JsonNode descriptor = manifests.get(0);
        return new OciImageArchive(blobs, JSON.readTree(blob(blobs, descriptor.path("digest").asString()).toFile()),
                descriptor.path("annotations").path("org.opencontainers.image.ref.name").asString(""));
    }

    private static Path blob(Path blobs, String digest) throws IOException {
        if (!digest.startsWith("sha256:")) {
            throw new IOException("digest " + digest + " is not a sha256 digest");
        }
        Path blob = blobs.resolve(digest.substring("sha256:".length()));
        if (!Files.isRegularFile(blob)) {
            throw new IOException("blob " + digest + " is named by the image but missing from the tar");
        }
        return blob;
    }

    /**
     * The name the image is loaded under ({@code podman load}, {@code ctr images import}): index.json's
     * {@code org.opencontainers.image.ref.name}, where Jib writes the {@code to.image} it was given; empty without one.
     */
    String refName() {
        return refName;
    }

    ImageConfig config() throws IOException {
        return ImageConfig.of(JSON.readTree(blob(blobs, manifest.path("config").path("digest").asString()).toFile()));
    }

    /** The layer blobs (gzip'd tars), lowest first: the order they are applied in. */
    List<Path> layers() throws IOException {
        List<Path> layers = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers").values()) {
            layers.add(blob(blobs, layer.path("digest").asString()));
        }
        return layers;
    }
}
