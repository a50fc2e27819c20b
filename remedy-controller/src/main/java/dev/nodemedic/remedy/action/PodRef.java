package dev.nodemedic.remedy.action;

import java.util.Objects;

/** A pod by namespace and name, as status lines and Events name it: {@code shop/web-1}. */
public record PodRef(String namespace, String name) {
    public PodRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
