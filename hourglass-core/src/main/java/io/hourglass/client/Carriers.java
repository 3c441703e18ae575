package io.hourglass.client;

import io.hourglass.net.Conn;
import java.io.IOException;
import java.util.List;

/**
 * How one hop's {@link Exchange} gets its {@link Carrier}: a stream slot on a shared HTTP/2 connection, an idle
 * HTTP/1.1 connection from the pool, or a new connection dialled in the pool's place, on which ALPN (or prior
 * knowledge) decides the protocol. The pool's waits, its dial permits and the connection events are here; the
 * exchange's deadlines and errors are the exchange's ({@link Exchange#translate}). Static methods on the
 * caller's thread, taking the exchange: no object per call.
 */
final class Carriers {
    private Carriers() {
    }

    /**
     * A pooled connection (a stream slot on a shared HTTP/2 one, or an idle HTTP/1.1 one), or a new one in the
     * pool's place. HTTP/2 first when the call may speak it and the origin is not known to refuse it.
     */
    static Carrier take(Exchange x, boolean forceNew) throws IOException {
        List<Protocol> protocols = x.req.protocols() != null ? x.req.protocols() : x.client.config().protocols();
        if (x.pool.h2.route(protocols)) {
            Carrier c = takeH2(x, protocols);
            if (c != null) {
                return c;
            }
        }
        Pool.Lease lease;
        ClientConn c;
        while (true) {
            while ((lease = x.pool.acquire(x, forceNew)) == null) {
                x.pool = x.client.pool(x.req, x.route); // retired just now: the origin's new pool
            }
            c = lease.conn();
            // On a channel, a look at the idle connection's socket, outside the pool's lock: one the server
            // ended while idle, or sent bytes nobody asked for, is closed and the call takes another.
            if (c != null && !c.takeable()) {
                x.pool.discard(c, c.idleEnd());
                continue;
            }
            // Its origin has more connections now: a reader thread reads it from here on (Pool.CALLER_READ_CONNS)
            if (c != null && c.callerReads() && !x.pool.callerReadsAllowed() && !c.toReaderThread()) {
                x.pool.discard(c, "closed");
                continue;
            }
            break;
        }
        x.reused = c != null;
        if (c != null) {
            return reused(x, c, lease.waitedNanos());
        }
        Conn conn;
        try {
            conn = dial(x, protocols, x.pool.callerReadsAllowed());
        } catch (IOException e) {
            x.pool.dialEnded(false);
            throw x.translate(e);
        }
        x.pool.dialEnded(true);
        Carrier carrier;
        if ("h2".equals(Dialer.negotiated(conn))) {
            carrier = startH2(x, conn, false); // ALPN chose HTTP/2: the connection joins the origin's shared ones
        } else {
            if (alpn(protocols) != null) {
                x.pool.h2.learntHttp11();
            }
            carrier = new ClientConn(conn, x.pool);
        }
        x.ev.poolAcquired(x.req, carrier.id(), false, lease.waitedNanos());
        return carrier;
    }

    /**
     * A stream slot on a shared HTTP/2 connection, or a new connection (one dial at a time per origin; a TLS
     * dial that ALPN turns to HTTP/1.1 carries the call over HTTP/1.1). Null when the origin is known to speak
     * HTTP/1.1 only.
     */
    private static Carrier takeH2(Exchange x, List<Protocol> protocols) throws IOException {
        boolean prior = protocols.contains(Protocol.H2_PRIOR_KNOWLEDGE);
        H2Leases.Lease lease;
        while ((lease = x.pool.h2.acquire(x, prior)) == H2Leases.Lease.RETIRED) {
            x.pool = x.client.pool(x.req, x.route); // retired just now: the origin's new pool
        }
        if (lease == null) {
            return null;
        }
        H2Connection hc = lease.conn();
        x.reused = hc != null;
        if (hc != null) {
            return reused(x, hc, lease.waitedNanos());
        }
        Conn conn;
        try {
            conn = dial(x, protocols, false); // an HTTP/2 dial: the connection has a reader of its own
        } catch (IOException e) {
            x.pool.h2.dialEnded(true, false);
            throw x.translate(e);
        }
        String chosen = Dialer.negotiated(conn);
        if (!prior && !"h2".equals(chosen)) {
            x.pool.h2.dialEnded(false, true); // the permit stays with this HTTP/1.1 connection
            ClientConn c = new ClientConn(conn, x.pool);
            x.ev.poolAcquired(x.req, c.id(), false, lease.waitedNanos());
            return c;
        }
        if (chosen != null && !"h2".equals(chosen)) {
            x.pool.h2.dialEnded(true, false);
            conn.close();
            throw new ClientException(ClientException.Kind.TLS, "the server did not select h2 by ALPN (" + x.req
                    + ", H2_PRIOR_KNOWLEDGE)", null);
        }
        hc = startH2(x, conn, true);
        x.ev.poolAcquired(x.req, hc.id(), false, lease.waitedNanos());
        return hc;
    }

    /** A pooled carrier taken after {@code waitedNanos} in the pool's queue: counted and reported as reused. */
    private static Carrier reused(Exchange x, Carrier c, long waitedNanos) {
        x.pool.metrics.reused.inc();
        x.ev.connectionReused(c.id());
        x.ev.poolAcquired(x.req, c.id(), true, waitedNanos);
        return c;
    }

    /**
     * Dials the origin, offering the call's protocols by ALPN over TLS; counts the new connection.
     * {@code callerReads}: see {@link Dialer#dial}.
     */
    private static Conn dial(Exchange x, List<Protocol> protocols, boolean callerReads) throws IOException {
        Conn c = x.client.dialer().dial(x.pool.origin, x, x.pool.origin.tls() ? alpn(protocols) : null, callerReads);
        x.pool.metrics.opened.inc();
        x.ev.connectEnd(x.req, c.id());
        return c;
    }

    private static final List<Protocol> H1_ONLY = List.of(Protocol.HTTP_1_1);
    private static final List<Protocol> H2_H1 = List.of(Protocol.HTTP_2, Protocol.HTTP_1_1);
    private static final String[] ALPN_H2_H1 = {"h2", "http/1.1"};

    /** The ALPN ids to offer: null when HTTP/1.1 is all there is to say. */
    private static String[] alpn(List<Protocol> protocols) {
        if (protocols.equals(H1_ONLY)) {
            return null;
        }
        if (protocols.equals(H2_H1)) {
            return ALPN_H2_H1.clone(); // the default list, without a stream per call
        }
        return protocols.stream().map(Protocol::alpnId).distinct().toArray(String[]::new);
    }

    /**
     * Starts HTTP/2 on a dialled connection and adds it to the pool with a slot reserved for the call.
     * {@code h2Permit}: the dial held the pool's HTTP/2 dial permit (else an HTTP/1.1 one ALPN turned).
     */
    private static H2Connection startH2(Exchange x, Conn c, boolean h2Permit) throws IOException {
        H2Events events = new H2Events(x.pool, c.id());
        H2Connection hc;
        try {
            hc = H2Connection.start(c, x.client.h2Options(), events);
        } catch (IOException e) {
            c.abort();
            if (h2Permit) {
                x.pool.h2.dialEnded(true, false);
            } else {
                x.pool.connectFailed();
            }
            throw x.translate(e);
        }
        events.attach(hc);
        if (!x.pool.h2.connected(hc, h2Permit)) {
            throw new ClientException(ClientException.Kind.PREMATURE_EOF, "the server closed the new HTTP/2 "
                    + "connection #" + c.id() + " at once (" + x.req + ")", null);
        }
        return hc;
    }
}
