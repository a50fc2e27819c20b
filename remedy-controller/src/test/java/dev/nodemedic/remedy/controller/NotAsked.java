package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.action.ActionResult;
import dev.nodemedic.remedy.action.DrainOptions;
import dev.nodemedic.remedy.action.DrainRound;
import dev.nodemedic.remedy.action.Drainer;
import dev.nodemedic.remedy.event.NeedsHumanCondition;

/** Actions a test's policies never take: being asked fails the test. */
final class NotAsked {
    static final Drainer DRAINER = new Drainer() {
        @Override
        public DrainRound round(String node, String policy, DrainOptions options) {
            throw new AssertionError("no drain step in this test's policies");
        }

        @Override
        public void forget(String node) {
        }
    };

    static final NeedsHumanCondition NEEDS_HUMAN = new NeedsHumanCondition() {
        @Override
        public ActionResult raise(String node, String policy, String reason, String message) {
            throw new AssertionError("no NeedsHuman condition in this test");
        }

        @Override
        public ActionResult clear(String node) {
            throw new AssertionError("no NeedsHuman condition in this test");
        }
    };

    private NotAsked() {
    }
}
