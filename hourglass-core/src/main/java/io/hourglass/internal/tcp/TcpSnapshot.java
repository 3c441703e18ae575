package io.hourglass.internal.tcp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An immutable set of TCP sockets taken at one moment, with filters and counts.
 *
 * <p>The port filters match what {@code ss} selects with {@code sport = :P} (local port) and
 * {@code dport = :P} (remote port); {@link #withPort} is {@code ( sport = :P or dport = :P )}, which picks
 * both ends of every connection to or from a local server on port P, plus its listener.
 *
 * <p>Counting methods return maps that iterate in a fixed order: states in the kernel's numbering (as
 * {@link TcpState} declares them), and only states with at least one socket.
 */
public final class TcpSnapshot {
    /** The peer key under which {@link #countByStateAndPeer(PeerKey, int)} folds peers beyond its limit. */
    public static final String OTHER_PEERS = "other";

    /** How {@link #countByStateAndPeer} names a peer. */
    public enum PeerKey {
        /** The remote address alone: {@link TcpSocket#peerHost()}. */
        HOST,
        /** The remote address and port: {@link TcpSocket#peerHostPort()}. */
        HOST_PORT
    }

    private static final TcpSnapshot EMPTY = new TcpSnapshot(List.of());
    private static final Comparator<Map.Entry<String, Integer>> PEER_ORDER =
            Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey());

    private final List<TcpSocket> sockets;

    private TcpSnapshot(List<TcpSocket> sockets) {
        this.sockets = sockets;
    }

    /** A snapshot of these sockets, in the given order (copied). */
    public static TcpSnapshot of(Collection<TcpSocket> sockets) {
        return sockets.isEmpty() ? EMPTY : new TcpSnapshot(List.copyOf(sockets));
    }

    /** The sockets, unmodifiable, in the order read. */
    public List<TcpSocket> sockets() {
        return sockets;
    }

    /** The number of sockets. */
    public int size() {
        return sockets.size();
    }

    /** The sockets that match {@code p}, in the same order. */
    public TcpSnapshot filter(Predicate<? super TcpSocket> p) {
        List<TcpSocket> kept = new ArrayList<>();
        for (TcpSocket s : sockets) {
            if (p.test(s)) {
                kept.add(s);
            }
        }
        return kept.size() == sockets.size() ? this : new TcpSnapshot(Collections.unmodifiableList(kept));
    }

    /**
     * The sockets whose local or remote port is {@code port}.
     *
     * @throws IllegalArgumentException if {@code port} is not 1 to 65535
     */
    public TcpSnapshot withPort(int port) {
        checkPort(port);
        return filter(s -> s.localPort() == port || s.remotePort() == port);
    }

    /**
     * The sockets whose local port is {@code port} (ss: {@code sport = :port}).
     *
     * @throws IllegalArgumentException if {@code port} is not 1 to 65535
     */
    public TcpSnapshot withLocalPort(int port) {
        checkPort(port);
        return filter(s -> s.localPort() == port);
    }

    /**
     * The sockets whose remote port is {@code port} (ss: {@code dport = :port}).
     *
     * @throws IllegalArgumentException if {@code port} is not 1 to 65535
     */
    public TcpSnapshot withRemotePort(int port) {
        checkPort(port);
        return filter(s -> s.remotePort() == port);
    }

    /**
     * The local ports of this snapshot's TIME_WAIT sockets. Taken before a run on a port, these are what an
     * earlier owner of the port number left (TIME_WAIT lasts 60 s, and the kernel hands the port out again
     * meanwhile); {@link #withoutTimeWait} leaves them out of the run's own snapshots.
     */
    public Set<Integer> timeWaitLocalPorts() {
        Set<Integer> ports = new HashSet<>();
        for (TcpSocket s : sockets) {
            if (s.state() == TcpState.TIME_WAIT) {
                ports.add(s.localPort());
            }
        }
        return ports;
    }

    /** This snapshot less the TIME_WAIT sockets whose local port is in {@code localPorts}. */
    public TcpSnapshot withoutTimeWait(Set<Integer> localPorts) {
        return filter(s -> s.state() != TcpState.TIME_WAIT || !localPorts.contains(s.localPort()));
    }

    /** The number of sockets in {@code state}. */
    public int count(TcpState state) {
        int n = 0;
        for (TcpSocket s : sockets) {
            if (s.state() == state) {
                n++;
            }
        }
        return n;
    }

    /** Sockets per state, for the states that have any, in kernel order. Unmodifiable. */
    public Map<TcpState, Integer> countByState() {
        Map<TcpState, Integer> out = new EnumMap<>(TcpState.class);
        for (TcpSocket s : sockets) {
            out.merge(s.state(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Sockets per state and local port; ports ascending within a state. Unmodifiable. */
    public Map<TcpState, Map<Integer, Integer>> countByStateAndLocalPort() {
        return group(TcpSocket::localPort, TreeMap::new);
    }

    /**
     * Sockets per state and peer; within a state, peers by count descending, then by name. Listeners and other
     * sockets without a peer count under {@code *}. Unmodifiable.
     */
    public Map<TcpState, Map<String, Integer>> countByStateAndPeer(PeerKey key) {
        Map<TcpState, Map<String, Integer>> grouped = group(peerFunction(key), HashMap::new);
        return sortPeers(grouped);
    }

    /**
     * As {@link #countByStateAndPeer(PeerKey)}, keeping the cardinality bounded: the {@code maxPeers} peers with
     * the most sockets over all states (ties broken by name) keep their own entries, and every other peer is
     * counted under {@link #OTHER_PEERS}. {@code *} (no peer) is always kept and does not use up the limit.
     *
     * @throws IllegalArgumentException if {@code maxPeers} is negative
     */
    public Map<TcpState, Map<String, Integer>> countByStateAndPeer(PeerKey key, int maxPeers) {
        if (maxPeers < 0) {
            throw new IllegalArgumentException("maxPeers must not be negative: " + maxPeers);
        }
        Function<TcpSocket, String> peer = peerFunction(key);
        Map<String, Integer> totals = new HashMap<>();
        for (TcpSocket s : sockets) {
            totals.merge(peer.apply(s), 1, Integer::sum);
        }
        totals.remove("*");
        Set<String> kept = new HashSet<>();
        totals.entrySet().stream()
                .sorted(PEER_ORDER)
                .limit(maxPeers)
                .forEach(e -> kept.add(e.getKey()));
        kept.add("*");
        Map<TcpState, Map<String, Integer>> grouped = group(s -> {
            String p = peer.apply(s);
            return kept.contains(p) ? p : OTHER_PEERS;
        }, HashMap::new);
        return sortPeers(grouped);
    }

    @Override
    public String toString() {
        return "TcpSnapshot" + countByState();
    }

    private static Function<TcpSocket, String> peerFunction(PeerKey key) {
        return switch (key) {
            case HOST -> TcpSocket::peerHost;
            case HOST_PORT -> TcpSocket::peerHostPort;
        };
    }

    private <K> Map<TcpState, Map<K, Integer>> group(Function<TcpSocket, K> key,
            Supplier<Map<K, Integer>> inner) {
        Map<TcpState, Map<K, Integer>> out = new EnumMap<>(TcpState.class);
        for (TcpSocket s : sockets) {
            out.computeIfAbsent(s.state(), st -> inner.get()).merge(key.apply(s), 1, Integer::sum);
        }
        out.replaceAll((st, m) -> Collections.unmodifiableMap(m));
        return Collections.unmodifiableMap(out);
    }

    private static Map<TcpState, Map<String, Integer>> sortPeers(Map<TcpState, Map<String, Integer>> grouped) {
        Map<TcpState, Map<String, Integer>> out = new EnumMap<>(TcpState.class);
        grouped.forEach((state, peers) -> {
            Map<String, Integer> sorted = new LinkedHashMap<>();
            peers.entrySet().stream().sorted(PEER_ORDER).forEach(e -> sorted.put(e.getKey(), e.getValue()));
            out.put(state, Collections.unmodifiableMap(sorted));
        });
        return Collections.unmodifiableMap(out);
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535: " + port);
        }
    }
}
