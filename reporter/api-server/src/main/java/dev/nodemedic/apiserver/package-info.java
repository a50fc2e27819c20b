/**
 * What the node agent and the remedy controller both do against the API server, written once: how a
 * failed call is classified and retried, how Events about a Node are correlated and budgeted, and how a
 * node's condition entries are patched. Two subpackages hold what both processes need around those
 * calls: {@code serving} (the connection cap of their HTTP servers) and {@code logging} (logging that
 * outlives shutdown). Both processes depend on this module; neither copies it.
 */
package dev.nodemedic.apiserver;
