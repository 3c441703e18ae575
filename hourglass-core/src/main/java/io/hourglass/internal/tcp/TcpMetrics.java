package io.hourglass.internal.tcp;

import io.hourglass.observe.MetricsRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Exports TCP socket counts as the Prometheus gauge family
 * {@code hourglass_tcp_connections{state, peer}}, computed from a fresh snapshot at each scrape.
 *
 * <p>{@code state} is {@link TcpState#metricName()} ({@code established}, {@code time_wait}, ...). {@code peer}
 * is the remote host ({@link TcpSocket#peerHost()}), {@code *} for listeners, and {@code other} for the hosts
 * beyond the {@code maxPeers} with the most sockets, so the number of series stays below
 * {@code 12 * (maxPeers + 2)}. Only pairs with at least one socket are written: a series disappears when its
 * count drops to zero.
 */
public final class TcpMetrics {
    /** The name of the exported gauge family. */
    public static final String CONNECTIONS = "hourglass_tcp_connections";

    private static final String HELP = "TCP sockets by state and remote host, from /proc/net/tcp and tcp6 "
            + "(peer=\"*\": no peer, e.g. a listener; peer=\"other\": hosts beyond the top N).";

    private TcpMetrics() {}

    /**
     * Registers {@link #CONNECTIONS} over the sockets of {@link ProcNetTcp#snapshot()} that match
     * {@code filter}, read at each scrape (e.g. {@code s -> s.localPort() == 8080}).
     *
     * @throws IllegalArgumentException if {@code maxPeers} is negative or the name is already registered
     * @throws UncheckedIOException at scrape time, if {@code /proc/net/tcp} cannot be read
     */
    public static void register(MetricsRegistry registry, Predicate<? super TcpSocket> filter, int maxPeers) {
        register(registry, () -> {
            try {
                return ProcNetTcp.snapshot().filter(filter);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, maxPeers);
    }

    /**
     * Registers {@link #CONNECTIONS} over the snapshots {@code source} returns, called once per scrape.
     *
     * @throws IllegalArgumentException if {@code maxPeers} is negative or the name is already registered
     */
    public static void register(MetricsRegistry registry, Supplier<TcpSnapshot> source, int maxPeers) {
        if (maxPeers < 0) {
            throw new IllegalArgumentException("maxPeers must not be negative: " + maxPeers);
        }
        registry.gauges(CONNECTIONS, HELP, List.of("state", "peer"), () -> samples(source.get(), maxPeers));
    }

    static Map<List<String>, Integer> samples(TcpSnapshot snapshot, int maxPeers) {
        Map<List<String>, Integer> out = new HashMap<>();
        snapshot.countByStateAndPeer(TcpSnapshot.PeerKey.HOST, maxPeers).forEach((state, peers) ->
                peers.forEach((peer, n) -> out.put(List.of(state.metricName(), peer), n)));
        return out;
    }
}
