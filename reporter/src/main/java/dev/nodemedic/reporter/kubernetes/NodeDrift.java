package dev.nodemedic.reporter.kubernetes;

import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Something done to the node behind our back that the next write repairs; each is logged once, when noticed. */
sealed interface NodeDrift {
    /** The node was deleted: nothing is written until it exists again. */
    record Deleted() implements NodeDrift {
    }

    /** The node was created again (a new uid, or after a deletion) without our entries. */
    record Recreated(Optional<String> uid, SortedSet<String> missing) implements NodeDrift {
        public Recreated {
            missing = new TreeSet<>(missing);
        }
    }

    /** Someone removed our entries from {@code status.conditions}. */
    record Removed(SortedSet<String> missing) implements NodeDrift {
        public Removed {
            missing = new TreeSet<>(missing);
        }
    }
}
