package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.net.Clock;
import io.hourglass.net.Conn;
import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The server side of a TLS handshake on an accepted socket, before either protocol runs: bounded by
 * {@link ServerConfig#tlsHandshakeTimeout()} (read and write deadlines at accept plus the limit, on the
 * server's clock), offering h2 by ALPN when HTTP/2 is on. A handshake that fails or times out is counted
 * (phase {@link Phase#TLS_HANDSHAKE} when the deadline caused it) and the socket is reset.
 */
final class TlsAccept {
    private TlsAccept() {}

    /** Returns the connection with its deadlines cleared, or null when the handshake failed (socket closed). */
    static Conn handshake(Server server, Socket raw, Clock clock) throws IOException {
        ServerConfig cfg = server.config();
        SSLSocket tls = (SSLSocket) server.tlsContext().getSocketFactory()
                .createSocket(raw, null, raw.getPort(), true);
        tls.setUseClientMode(false);
        if (cfg.http2().enabled()) {
            // ALPN (RFC 7301): h2 when the client offers it, HTTP/1.1 otherwise, including to clients that offer
            // no protocol at all. The server's order decides.
            SSLParameters p = tls.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            tls.setSSLParameters(p);
        }
        Conn c = Conn.of(raw, tls, clock);
        long limit = cfg.tlsHandshakeTimeout().toNanos();
        if (limit > 0) {
            long d = clock.nanoTime() + limit;
            c.setReadDeadlineNanos(d);
            c.setWriteDeadlineNanos(d);
        }
        try {
            tls.startHandshake();
        } catch (IOException e) {
            server.timeout(c.readExpired() || c.writeExpired() ? Phase.TLS_HANDSHAKE : null);
            c.abort();
            return null;
        }
        c.setReadDeadlineNanos(0);
        c.setWriteDeadlineNanos(0);
        return c;
    }
}
