/**
 * A TCP-state observer for Linux: reads {@code /proc/net/tcp} and {@code /proc/net/tcp6} and counts sockets by
 * state, and by local port or peer, with the same numbers {@code ss -tan} shows.
 *
 * <p>{@link io.hourglass.internal.tcp.ProcNetTcp} parses the files into
 * {@link io.hourglass.internal.tcp.TcpSocket}s; {@link io.hourglass.internal.tcp.TcpSnapshot} filters and counts
 * them; {@link io.hourglass.internal.tcp.TcpMetrics} exports the counts as Prometheus gauges.
 */
package io.hourglass.internal.tcp;
