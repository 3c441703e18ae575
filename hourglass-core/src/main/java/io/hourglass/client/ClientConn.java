package io.hourglass.client;

import io.hourglass.internal.h1.H1Parser;
import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.net.Conn;
import java.io.IOException;

/**
 * One client connection: the socket, its codec buffers, and a reader thread.
 *
 * <p><b>Why a reader thread.</b> Under {@link TimeoutPolicy#DRAIN} a caller's deadline must wake the caller
 * without killing the connection, and a blocked socket read cannot be woken without closing the socket. So a
 * virtual thread per connection does the socket reads and hands the bytes over ({@link ReadAhead}, eager
 * mode, read through {@link #pull}); the caller
 * waits untimed and the shared timer's alarm wakes it at its deadline. The connection then lives on: a
 * drainer reads the late response from the same hand-off. The reader also notices at once when the server
 * closes an idle pooled connection, which is the liveness check before reuse.
 */
final class ClientConn {
    static final int IDLE = 0, ACTIVE = 1, DRAINING = 2, CLOSED = 3;

    /**
     * Whoever consumes the connection's bytes now (a call or a drain): its {@code check()} throws when its
     * deadline has passed or it was cancelled, and waiting must stop.
     */
    interface Reader extends ReadAhead.Waiter {}

    final Conn conn;
    final Pool pool;
    final InBuffer in;
    final OutBuffer out;
    final H1Parser parser;
    int uses;                       // calls carried; owner thread (pool lock for the hand-over)
    long idleSince;                 // guarded by the pool's lock
    long drainStart;                // guarded by the pool's lock
    volatile int state = ACTIVE;    // read by the timer and the reader thread
    volatile Reader reader;         // the current consumer, for deadline checks in pull
    volatile long received;         // bytes handed over since the last resetReceived()
    long sent;                      // request bytes that reached the socket since a call took it; owner thread

    private final ReadAhead readAhead;
    private String idleEnd;         // the reader thread's: why the connection ended while idle, if it did
    private boolean strayBytes;     // the reader thread's: the server sent bytes nobody asked for

    ClientConn(Conn conn, Pool pool, H1Parser parser) {
        this.conn = conn;
        this.pool = pool;
        this.parser = parser;
        this.in = new InBuffer(this::pull, 8192, 64 * 1024);
        this.out = new OutBuffer(this::send, 8192);
        conn.setAlarm(this::onAlarm);
        // Last: the reader thread starts here and sees the fields above.
        this.readAhead = ReadAhead.eager(conn, readerEvents(), "hourglass-client-reader-" + conn.id());
    }

    long id() {
        return conn.id();
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
        int n = readAhead.read(b, off, len, reader);
        if (n > 0) {
            received += n;
        }
        return n;
    }

    /** Whether the pooled connection can carry another call: open, no stray bytes, no end of stream. */
    boolean reusable() {
        return readAhead.emptyAndOpen() && in.available() == 0;
    }

    /** Runs on the shared timer: wakes whoever waits (it re-checks its deadline) and evicts idle connections. */
    private void onAlarm() {
        readAhead.wake();
        Runnable a = alarmAction;
        if (a != null) {
            a.run();
        }
    }

    /** An extra action for the alarm (idle eviction, abandoning a call whose body is never read). */
    volatile Runnable alarmAction;

    /** Wakes a parked consumer (cancellation). */
    void wake() {
        readAhead.wake();
    }

    void close() {
        state = CLOSED;
        conn.close();
        wakeReader();
    }

    /** Closes with a reset (RST): for a connection whose response is still coming and is not wanted. */
    void abort() {
        state = CLOSED;
        conn.abort();
        wakeReader();
    }

    private void wakeReader() {
        readAhead.connectionClosed();
    }

    @Override
    public String toString() {
        return "connection #" + conn.id();
    }
}
