package dev.nodemedic.deploy;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** One permission a role grants, spelt out: one API group, one resource, one verb. */
record RbacRule(String apiGroup, String resource, String verb) {
    /**
     * Every (group, resource, verb) a role's rules grant. Anything that cannot be spelt out that way
     * (non-resource URLs, resourceNames, wildcards, aggregation) is refused: it is never least privilege here.
     */
    static List<RbacRule> expand(JsonNode role) {
        String name = role.path("kind").asString() + " " + role.at("/metadata/name").asString();
        if (role.has("aggregationRule")) {
            throw new AssertionError(name + " aggregates other roles: its permissions cannot be read from the manifests");
        }
        List<RbacRule> granted = new ArrayList<>();
        for (JsonNode rule : role.path("rules").values()) {
            if (rule.has("nonResourceURLs") || rule.has("resourceNames")) {
                throw new AssertionError(name + " has a rule with nonResourceURLs or resourceNames: " + rule);
            }
            for (JsonNode group : rule.path("apiGroups").values()) {
                for (JsonNode resource : rule.path("resources").values()) {
                    for (JsonNode verb : rule.path("verbs").values()) {
                        granted.add(new RbacRule(group.asString(), resource.asString(), verb.asString()));
                    }
                }
            }
        }
        return List.copyOf(granted);
    }

    @Override
    public String toString() {
        return (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource + " " + verb;
    }
}
