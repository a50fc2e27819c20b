/**
 * What the HTTP servers of both processes share: the agent's status, metrics and report servers and the
 * remedy controller's probe server are each held to a bounded cost per client by one connection cap.
 */
package dev.nodemedic.apiserver.serving;
