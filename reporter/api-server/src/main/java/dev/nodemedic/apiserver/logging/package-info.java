/** Logging both processes install in {@code main}, so their last lines at shutdown are written. */
package dev.nodemedic.apiserver.logging;
