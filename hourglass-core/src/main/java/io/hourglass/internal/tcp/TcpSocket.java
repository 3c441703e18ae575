package io.hourglass.internal.tcp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One line of {@code /proc/net/tcp} or {@code /proc/net/tcp6}: a TCP socket in this network namespace.
 *
 * <p>Addresses are numeric and never resolved. An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, what a
 * dual-stack Java socket uses for IPv4 peers) is given as the IPv4 address, so one peer counts as one host
 * whichever socket family reached it; {@code ss} prints such an address as {@code [::ffff:a.b.c.d]}.
 * A listening socket's remote address is the wildcard with port 0.
 *
 * @param state the TCP state
 * @param local the local address and port
 * @param remote the remote address and port; the wildcard address and port 0 when there is no peer
 * @param txQueue bytes in the send queue (for a listener: 0)
 * @param rxQueue bytes in the receive queue (for a listener: connections waiting to be accepted)
 * @param uid the owning user id (an unsigned 32-bit number)
 * @param inode the socket's inode, which {@code /proc/<pid>/fd} links to; 0 for sockets no process owns
 *     (TIME_WAIT, request sockets, orphans)
 */
public record TcpSocket(TcpState state, InetSocketAddress local, InetSocketAddress remote, long txQueue,
        long rxQueue, long uid, long inode) {

    /** Checks that no component is null. */
    public TcpSocket {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
    }

    /** The local port. */
    public int localPort() {
        return local.getPort();
    }

    /** The remote port; 0 for a listener. */
    public int remotePort() {
        return remote.getPort();
    }

    /** True if the remote side is the wildcard address with port 0, as for a listener. */
    public boolean hasNoPeer() {
        return remote.getPort() == 0 && remote.getAddress().isAnyLocalAddress();
    }

    /**
     * The remote host as {@code ss -n} writes it without brackets, e.g. {@code 10.0.0.7} or {@code 2001:db8::1};
     * {@code *} if there is no peer.
     */
    public String peerHost() {
        return hasNoPeer() ? "*" : hostString(remote.getAddress());
    }

    /**
     * The remote host and port, e.g. {@code 10.0.0.7:443} or {@code [2001:db8::1]:443}; {@code *} if there is
     * no peer.
     */
    public String peerHostPort() {
        return hasNoPeer() ? "*" : hostPort(remote);
    }

    /** {@code ESTAB 127.0.0.1:40220 127.0.0.1:8080}: state, local, remote, as {@code ss} orders them. */
    @Override
    public String toString() {
        return state.ssName() + " " + hostPort(local) + " " + (hasNoPeer() ? "*:*" : hostPort(remote));
    }

    /** {@code a.b.c.d:port} or {@code [v6]:port}. */
    static String hostPort(InetSocketAddress a) {
        InetAddress address = a.getAddress();
        String host = hostString(address);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Dotted quad for IPv4; RFC 5952 text for IPv6 (lowercase, longest run of zero groups as {@code ::}). */
    static String hostString(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // RFC 5952 section 4.2: compress the longest run of two or more zero groups, the first if tied.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
