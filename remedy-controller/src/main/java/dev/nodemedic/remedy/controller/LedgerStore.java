package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.engine.Ledger;
import java.util.Optional;

/** Where the ledger lives: outside the Node, where only the controller writes, so that it outlives the leader that wrote it. */
public interface LedgerStore {
    /** @return empty on success, else why the write failed (the caller retries on a later pass) */
    Optional<String> write(String node, Ledger ledger);

    /** The node is gone: its ledger goes too. @return empty on success (or when there was none), else why not */
    Optional<String> forget(String node);
}
