package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.internal.io.TlsInput;
import io.hourglass.net.Clock;
import io.hourglass.net.Conn;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The server side of a TLS handshake on an accepted socket, before either protocol runs: bounded by
 * {@link ServerConfig#tlsHandshakeTimeout()} (read and write deadlines at accept plus the limit, on the
 * server's clock), offering h2 by ALPN when HTTP/2 is on. A handshake that fails or times out is counted
 * (phase {@link Phase#TLS_HANDSHAKE} when the deadline caused it) and the socket is reset.
 *
 * <p>A TLS server listens with a {@link Listener}, whose accepted sockets read ahead under the TLS layer
 * ({@link TlsInput}): the JDK's SSLSocket reads each record's 5-byte header, then its body, each a read of the
 * socket it is layered over, so a request that fits in one record (an HTTP/2 HEADERS frame, a small HTTP/1.1
 * request) costs two system calls; with the buffer one read takes every record that arrived together.
 */
final class TlsAccept {
    private TlsAccept() {}

    /**
     * A listening socket whose accepted sockets are {@link ReadingAhead}: the SSLSocket layered over one reads
     * through its {@link Socket#getInputStream()}, and only a socket made before the accept can override it.
     */
    static final class Listener extends ServerSocket {
        Listener() throws IOException {
            super(); // unbound: the server binds it
        }

        @Override
        public Socket accept() throws IOException {
            Socket s = new ReadingAhead();
            implAccept(s);
            return s;
        }
    }

    /**
     * An accepted TCP socket whose input, as the TLS layer reads it, is read ahead ({@link TlsInput}). Everything
     * else is the plain socket's: {@link io.hourglass.net.Conn}'s read deadline shuts its input down (the buffer
     * then hands out what it holds, and the socket's end of stream after it), abort resets it, half-close shuts
     * its output down.
     */
    static final class ReadingAhead extends Socket {
        private TlsInput in; // made when the TLS layer is layered over it, on the connection's thread

        @Override
        public InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new TlsInput(super.getInputStream());
            }
            return in;
        }
    }

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
