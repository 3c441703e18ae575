package io.hourglass.client;

import io.hourglass.internal.h1.H1Parser;
import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.net.Conn;
import java.io.IOException;

/**
 * One HTTP/1.1 client connection: the socket, its codec buffers, a reader thread, and its state in the pool.
 * The {@link Carrier} of one call at a time ({@link H1Stream}).
 *
 * <p><b>Why a reader thread.</b> Under {@link TimeoutPolicy#DRAIN} a caller's deadline must wake the caller
 * without killing the connection, and a blocked socket read cannot be woken without closing the socket. So a
 * virtual thread per connection does the socket reads and hands the bytes over ({@link ReadAhead}, eager
 * mode, read through {@link #pull}); the caller waits untimed and the shared timer's alarm wakes it at its
 * deadline. The connection then lives on: a drainer reads the late response from the same hand-off. The
 * reader also notices at once when the server closes an idle pooled connection, which is the liveness check
 * before reuse.
 *
 * <p><b>State.</b> ACTIVE (a call or a dial has it), IDLE (in the pool), DRAINING (reading a late response),
 * CLOSED. The pool moves it, under the pool's lock, through the methods of the last section; whoever consumes
 * its bytes (a call's deadlines, or a drain's budget) is set with the state, and an idle connection holds no
 * caller's deadline or callback: only its own idle eviction.
 */
final class ClientConn implements Carrier {
    private static final int ACTIVE = 0, IDLE = 1, DRAINING = 2, CLOSED = 3;

    final Conn conn;
    final Pool pool;
    final InBuffer in;
    final OutBuffer out;
    final H1Parser parser;
    private final ReadAhead readAhead;
    // Read by the reader thread (stray bytes while IDLE) and the timer; written under the pool's lock, or by
    // close and abort from any thread.
    private volatile int state = ACTIVE;
    private long idleSince;                 // guarded by the pool's lock
    private long drainStart;                // guarded by the pool's lock
    // How long the pool may keep it idle, from the server's Keep-Alive hint of its last response (issue 14), in
    // nanoseconds; -1 for no hint. Written by the call's thread before it releases the connection, read by the
    // pool under its lock (the release is the hand-over).
    long keepAliveWindow = -1;
    // Whoever consumes the bytes now (a call, a drain): its check() says when waiting must stop. Volatile:
    // set by the thread that takes the connection, read by the thread that reads (the same, or a drain's).
    private volatile ReadAhead.Waiter consumer;
    // The call whose alarm action runs besides waking the consumer while it has the connection (null
    // otherwise: an idle connection's alarm is its eviction). Volatile: the timer thread runs it. The call
    // itself rather than a method reference to it: no object per call.
    private volatile Exchange alarmCall;
    // Response bytes handed to the consumer since the connection was taken: written by the consumer, read by
    // the call's thread when it decides on a retry (the same thread). A drain's thread counts too, but a later
    // call resets and reads it only after taking the connection under the pool's lock, which orders the two:
    // not volatile.
    private long received;
    private long sent;                      // request bytes that reached the socket since it was taken; caller's thread
    private String idleEnd;                 // the reader thread's: why the connection ended while idle, if it did
    private boolean strayBytes;             // the reader thread's: the server sent bytes nobody asked for

    ClientConn(Conn conn, Pool pool) {
        this.conn = conn;
        this.pool = pool;
        this.parser = H1Parser.forResponses(64 * 1024, 256); // a bare LF tolerated (RFC 9112 section 2.2)
        this.in = new InBuffer(this::pull, 8192, 64 * 1024);
        this.out = new OutBuffer(this::send, 8192);
        conn.setAlarm(this::onAlarm);
        // Last: the reader thread starts here and sees the fields above.
        this.readAhead = ReadAhead.eager(conn, readerEvents(), "hourglass-client-reader-" + conn.id());
    }

    @Override
    public long id() {
        return conn.id();
    }

    @Override
    public String protocol() {
        return "http/1.1";
    }

    /** This connection for one call: the call's deadlines drive its waits; the counters start from zero. */
    @Override
    public Stream open(Exchange call) {
        received = 0;
        sent = 0;
        consumer = call;
        alarmCall = call;
        return new H1Stream(this, call);
    }

    long received() {
        return received;
    }

    long sent() {
        return sent;
    }

    /** The OutBuffer's sink: counts what reached the socket, so a call that failed before knows it sent nothing. */
    private void send(byte[] b, int off, int len) throws IOException {
        conn.write(b, off, len);
        sent += len;
    }

    /** What the reader thread does with an idle connection's end, or with bytes nobody asked for. */
    private ReadAhead.Events readerEvents() {
        return new ReadAhead.Events() {
            // Decided before the bytes are handed over: once the caller has them it may finish its call and put
            // the connection back to the pool (IDLE), and its own response would look stray.
            @Override
            public boolean accept() {
                if (state != IDLE) {
                    return true;
                }
                // Bytes nobody asked for: never hand them to a caller (one may take the connection this instant
                // and would read them as its response). The connection ends here; such a caller fails before any
                // byte of a response, so an idempotent call is retried on a new one.
                idleEnd = "unexpected bytes while idle";
                strayBytes = true;
                return false;
            }

            @Override
            public void ending(IOException err, boolean active) {
                if (state == IDLE) {
                    idleEnd = err == null ? "server closed" : "reset while idle";
                }
            }

            @Override
            public void ended() {
                if (idleEnd != null) {
                    pool.idleConnectionEnded(ClientConn.this, idleEnd);
                }
                if (strayBytes) {
                    conn.close(); // also when a caller took it meanwhile: it sees the end, not the stray bytes
                }
                // otherwise the call in progress, or reusable() at release, sees the end
            }
        };
    }

    /** The InBuffer's source: bytes from the reader thread, waiting untimed until data, end, or a deadline. */
    private int pull(byte[] b, int off, int len) throws IOException {
        int n = readAhead.read(b, off, len, consumer);
        if (n > 0) {
            received += n;
        }
        return n;
    }

    /** Whether the connection can carry another call: open, no stray bytes, no end of stream. */
    boolean reusable() {
        return readAhead.emptyAndOpen() && in.available() == 0;
    }

    /**
     * Runs on the shared timer: wakes whoever waits (it re-checks its deadline), then the call's action, or,
     * idle, the eviction.
     */
    private void onAlarm() {
        readAhead.wake();
        Exchange a = alarmCall;
        if (a != null) {
            a.onAlarm();
        } else if (state == IDLE) {
            pool.evictIfIdle(this);
        }
    }

    /** Wakes a parked consumer (cancellation). */
    void wake() {
        readAhead.wake();
    }

    void close() {
        state = CLOSED;
        conn.close();
        readAhead.connectionClosed();
    }

    /** Closes with a reset (RST): for a connection whose response is still coming and is not wanted. */
    void abort() {
        state = CLOSED;
        conn.abort();
        readAhead.connectionClosed();
    }

    // ---- state changes, by the pool under its lock ----

    /** Taken from the pool by a call: nothing of the idle state (eviction) stays armed. */
    void toActive() {
        state = ACTIVE;
        alarmCall = null;
        conn.armAlarm(0);
    }

    /**
     * Back in the pool, idle from {@code now}: no caller's deadline, consumer or callback stays on it; the
     * alarm is its own eviction at {@code evictAt} (0: never).
     */
    void toIdle(long now, long evictAt) {
        state = IDLE;
        idleSince = now;
        consumer = null;
        alarmCall = null;
        conn.setWriteDeadlineNanos(0);
        conn.armAlarm(evictAt);
    }

    /** Reads a late response from {@code now}: {@code budget} is its consumer, woken at {@code deadline}. */
    void toDraining(long now, ReadAhead.Waiter budget, long deadline) {
        state = DRAINING;
        drainStart = now;
        consumer = budget;
        alarmCall = null;
        conn.setWriteDeadlineNanos(0);
        conn.armAlarm(deadline);
    }

    /** Marks it closed (its place passes on); the caller closes it. */
    void toClosed() {
        state = CLOSED;
    }

    boolean isIdle() {
        return state == IDLE;
    }

    boolean isDraining() {
        return state == DRAINING;
    }

    boolean isClosed() {
        return state == CLOSED;
    }

    /** Since when it is idle; under the pool's lock. */
    long idleSince() {
        return idleSince;
    }

    /** Since when it drains; under the pool's lock. */
    long drainStart() {
        return drainStart;
    }

    @Override
    public String toString() {
        return "connection #" + conn.id();
    }
}
