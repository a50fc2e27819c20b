package dev.nodemedic.core.remote;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client at the other end of a report socket connection, as the kernel tells it (SO_PEERCRED: the
 * user of the process that connected, which the client cannot choose). A remote daemon belongs to the
 * user that registered it, so one sidecar cannot replace, report for or unregister another's daemon.
 *
 * @param user empty where the kernel cannot tell (a platform without peer credentials)
 */
public record Peer(Optional<UserPrincipal> user) {
    /** A client the kernel could not name; clients the kernel cannot tell apart are one client. */
    public static final Peer UNKNOWN = new Peer(Optional.empty());
    private static final Logger log = LoggerFactory.getLogger(Peer.class);
    /** Said once: every client is then one client, and ownership of daemons is not enforced. */
    private static final AtomicBoolean UNTOLD_SAID = new AtomicBoolean();

    /** What the kernel says of {@code connection}'s client. */
    static Peer of(HttpConnection connection) {
        // Vert.x offers no public way to a connection's socket; its channel is Netty's, and the NIO
        // transport's unix socket channel hands a JDK socket option through to the JDK channel.
        if (!(connection instanceof ConnectionBase base)) {
            return untold("the connection is not Vert.x's ConnectionBase (" + connection.getClass().getName() + ")");
        }
        Channel channel = base.channel();
        try {
            UnixDomainPrincipal principal = channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
            return principal == null ? untold("the channel " + channel.getClass().getName() + " gives no peer credentials") : new Peer(Optional.of(principal.user()));
        } catch (RuntimeException unsupported) {
            return untold("reading SO_PEERCRED failed: " + unsupported);
        }
    }

    private static Peer untold(String why) {
        if (UNTOLD_SAID.compareAndSet(false, true)) {
            log.warn("report socket: the kernel does not tell who a client is ({}); daemons are not bound to the"
                    + " user that registered them, any client of the socket may report for or unregister any daemon", why);
        }
        return UNKNOWN;
    }

    /** For messages: the user's name, or its number when it has none on this machine. */
    String describe() {
        return user.map(u -> "user " + u.getName()).orElse("a client whose user the kernel does not tell");
    }
}
