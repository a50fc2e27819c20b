package dev.nodemedic.daemons.npdrules;

/** NPD's rule types: a temporary problem becomes an Event, a permanent one sets a node condition. */
public enum RuleType {
    TEMPORARY("temporary"),
    PERMANENT("permanent");

    private final String configName;

    RuleType(String configName) {
        this.configName = configName;
    }

    /** The spelling in NPD's files; Jackson 3 reads enums by {@code toString()}. */
    @Override
    public String toString() {
        return configName;
    }
}
