package io.hourglass.internal.tcp;

import io.hourglass.observe.MetricsRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
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
 *
 * <p>Servers and clients {@linkplain #attach attach} to the family of the registry they record into: one family
 * per registry, counting the sockets that any of them claims, so a registry shared by several of them (or by a
 * server and a client) exports one family, with each socket counted once.
 */
public final class TcpMetrics {
    /** The name of the exported gauge family. */
    public static final String CONNECTIONS = "hourglass_tcp_connections";

    /** Hosts named in the {@code peer} label by {@link #attach}; the rest are summed as {@code other}. */
    public static final int MAX_PEERS = 20;

    private static final boolean SUPPORTED = ProcNetTcp.isSupported();
    private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
    // The filters attached to each registry's family. Weak keys: a registry nobody holds any more goes with its
    // entry (the value does not refer to its key; the key's gauge refers to the value). Guarded by SHARED_LOCK.
    private static final Map<MetricsRegistry, List<Predicate<? super TcpSocket>>> SHARED = new WeakHashMap<>();

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

    /**
     * Adds the sockets that {@code mine} accepts to {@link #CONNECTIONS} in {@code registry}, registering the
     * family on the first call for that registry, with the top {@link #MAX_PEERS} peers named. At each scrape one
     * snapshot of {@code /proc/net/tcp} and {@code tcp6} is read and every socket that any attached filter
     * accepts is counted once; nothing runs between scrapes. A scrape that cannot read {@code /proc} writes the
     * family without samples rather than failing the whole scrape. Where {@code /proc/net/tcp} does not exist
     * (not Linux) nothing is registered.
     *
     * @param registry the registry whose family counts these sockets
     * @param mine which sockets to count; called at scrape time, on the scraping thread, for every socket of the
     *     network namespace, so it must be quick and must not block
     * @return detaches {@code mine} (idempotent); the family stays registered, as every family does
     * @throws IllegalArgumentException if {@code registry} has {@link #CONNECTIONS} registered by other means
     */
    public static Runnable attach(MetricsRegistry registry, Predicate<? super TcpSocket> mine) {
        if (!SUPPORTED) {
            return () -> { };
        }
        List<Predicate<? super TcpSocket>> filters;
        SHARED_LOCK.lock();
        try {
            filters = SHARED.get(registry);
            if (filters == null) {
                List<Predicate<? super TcpSocket>> created = new CopyOnWriteArrayList<>();
                registry.gauges(CONNECTIONS, HELP, List.of("state", "peer"), () -> scrape(created));
                SHARED.put(registry, created);
                filters = created;
            }
            filters.add(mine);
        } finally {
            SHARED_LOCK.unlock();
        }
        List<Predicate<? super TcpSocket>> attached = filters;
        return () -> attached.remove(mine);
    }

    private static Map<List<String>, Integer> scrape(List<Predicate<? super TcpSocket>> filters) {
        if (filters.isEmpty()) {
            return Map.of(); // nobody attached any more: no need to read /proc
        }
        TcpSnapshot all;
        try {
            all = ProcNetTcp.snapshot();
        } catch (IOException | IllegalArgumentException e) {
            return Map.of(); // /proc unreadable, or a line it cannot parse: this family is empty, the rest scrapes

        }
        return samples(all.filter(s -> {
            for (Predicate<? super TcpSocket> f : filters) {
                if (f.test(s)) {
                    return true;
                }
            }
            return false;
        }), MAX_PEERS);
    }

    static Map<List<String>, Integer> samples(TcpSnapshot snapshot, int maxPeers) {
        Map<List<String>, Integer> out = new HashMap<>();
        snapshot.countByStateAndPeer(TcpSnapshot.PeerKey.HOST, maxPeers).forEach((state, peers) ->
                peers.forEach((peer, n) -> out.put(List.of(state.metricName(), peer), n)));
        return out;
    }
}
