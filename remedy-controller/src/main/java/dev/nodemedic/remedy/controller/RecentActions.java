package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.policy.NodeRemedyPolicyStatus.ActionEntry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last {@value #LIMIT} actions of a policy, newest first, as its status lists them. */
final class RecentActions {
    /** Enough to see a storm's first moves in {@code kubectl get -o yaml}; older ones are in the Events. */
    static final int LIMIT = 20;
    private final Deque<ActionEntry> entries = new ArrayDeque<>();

    RecentActions(List<ActionEntry> restored) {
        for (ActionEntry entry : restored) {
            if (entries.size() < LIMIT) {
                entries.addLast(entry);
            }
        }
    }

    void add(ActionEntry entry) {
        entries.addFirst(entry);
        while (entries.size() > LIMIT) {
            entries.removeLast();
        }
    }

    List<ActionEntry> list() {
        return List.copyOf(entries);
    }
}
