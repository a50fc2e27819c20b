/**
 * What the node agent and the remedy controller both do against the API server, written once: how a
 * failed call is classified, how Events about a Node are correlated and budgeted, and how a node's
 * condition entries are patched. Both processes depend on this module; neither copies it.
 */
package dev.nodemedic.apiserver;
