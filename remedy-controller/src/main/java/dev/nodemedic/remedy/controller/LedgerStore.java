package dev.nodemedic.remedy.controller;

import dev.nodemedic.remedy.engine.Ledger;

/** Where the ledger lives: on the Node, so it outlives the leader that wrote it. */
public interface LedgerStore {
    /** @return empty on success, else why the write failed (the caller retries on a later pass) */
    java.util.Optional<String> write(String node, Ledger ledger);
}
