package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.net.Clock;
import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The socket under one HTTP/1.1 {@link ServerConn}, as its buffers see it: the read buffer's source (the socket
 * itself while no handler runs, the disconnect watcher's {@link ReadAhead} hand-off while one does) and the
 * write buffer's sink, noting what the socket did during the current request: whether the response began
 * to leave, whether the client went away (a reset, a broken pipe, an end of stream in the middle of a body),
 * and whether the write deadline caught a write still blocked on a client that does not read. It also
 * closes the connection without a reset after an error response ({@link #lingerAndClose}).
 *
 * <p>Only the connection's thread (which is also its handler's) uses it; its per-request fields are reset by
 * {@link #newRequest}.
 */
final class H1Wire {
    private final Server server;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final Conn conn;
    private final HandlerGuard guard;
    private final ReadAhead readAhead;
    private boolean responseOnWire;       // a byte of this request's response reached the socket
    private boolean peerGone;             // the socket failed under the handler: reset, EOF
    private boolean slowReaderCounted;    // this request's write was blocked at its deadline
    private boolean writeTimeoutCounted;  // this request's write timeout is counted
    private boolean deferWriteCheck;      // the connection reads the clock right after the coming write: check then
    private long deferredDeadline;        // the write deadline of a write whose late check was deferred, 0 for none
    private int reads;                    // source reads so far (wraps): whether a head came in the read of its first byte

    H1Wire(Server server, Conn conn, HandlerGuard guard) {
        this.server = server;
        this.metrics = server.recorder();
        this.clock = server.clock();
        this.conn = conn;
        this.guard = guard;
        this.readAhead = guard.readAhead();
    }

    /** Forgets what the previous request saw of the socket. */
    void newRequest() {
        responseOnWire = false;
        peerGone = false;
        slowReaderCounted = false;
        writeTimeoutCounted = false;
        deferWriteCheck = false;
        deferredDeadline = 0;
    }

    /**
     * The writes until {@link #lastWritesEnded} are the response's last (the connection's flush once the handler
     * returned), and the connection reads the clock right after them for the response's end: their check for a
     * write that got through only as the deadline passed uses that reading instead of one of its own (issue 17:
     * one clock read less per response). The instants differ by the few instructions in between.
     */
    void deferWriteCheck() {
        deferWriteCheck = true;
    }

    /** The response's last writes ended by {@code now} (0: not read, the clock is read here if needed). */
    void lastWritesEnded(long now) {
        deferWriteCheck = false;
        long d = deferredDeadline;
        if (d != 0) {
            deferredDeadline = 0;
            if ((now != 0 ? now : clock.nanoTime()) - d >= 0) {
                slowReader();
            }
        }
    }

    /** Whether a byte of this request's response has reached the socket (so an error status cannot replace it). */
    boolean responseOnWire() {
        return responseOnWire;
    }

    /** Whether the client reset or closed the connection under this request's handler. */
    boolean peerGone() {
        return peerGone;
    }

    /** How many times the read buffer has read from its source so far; only differences mean anything. */
    int reads() {
        return reads;
    }

    /** The read buffer's source. */
    int read(byte[] b, int off, int len) throws IOException {
        reads++;
        if (readAhead.direct()) {
            return conn.read(b, off, len); // fast path: no handler runs, so no watcher can start
        }
        long start = guard.readStarted();
        try {
            int n = readAhead.read(b, off, len, null);
            if (n < 0) {
                peerGone = true; // the client closed its side in the middle of the body
            }
            return n;
        } catch (DeadlineExceededException e) {
            throw guard.bodyTimeout(e);
        } catch (InterruptedIOException e) {
            throw e; // our own cancellation, not the client's doing
        } catch (IOException e) {
            peerGone = true;
            throw e;
        } finally {
            guard.readEnded(start);
        }
    }

    /**
     * The write buffer's sink: the socket, noting that the response has begun to leave, that the client went
     * away (a reset or broken pipe), and that a write was still blocked on the client when the write deadline
     * passed: a client that does not read (a slow reader, counted once).
     */
    void write(byte[] b, int off, int len) throws IOException {
        responseOnWire = true;
        long d = conn.writeDeadlineNanos();
        try {
            conn.write(b, off, len);
        } catch (DeadlineExceededException e) {
            // Conn.write fails without a cause when the deadline had passed before the write began, and with the
            // socket's error as the cause when the deadline's abort broke a write in progress: then it began in
            // time and was still blocked when the deadline passed. (Telling the two apart this way saves a clock
            // read per write: the write's own check reads the clock.)
            if (e.op() == DeadlineExceededException.Op.WRITE && d != 0 && e.getCause() != null) {
                slowReader();
            }
            throw e;
        } catch (IOException e) {
            peerGone = true; // reset or broken pipe: the client went away
            throw e;
        }
        if (d != 0) {
            if (deferWriteCheck) {
                deferredDeadline = d; // checked by lastWritesEnded, with the response end's reading
            } else if (clock.nanoTime() - d >= 0) {
                slowReader(); // it got through, but only as the deadline passed: the next write fails
            }
        }
    }

    /** Counts a client that does not read (the write timeout caught a blocked write), once per request. */
    private void slowReader() {
        if (!slowReaderCounted) {
            slowReaderCounted = true;
            metrics.limit(ServerMetrics.Limit.SLOW_READER);
        }
    }

    /** Counts this request's write timeout, once, wherever it is noticed first. */
    void writeTimedOut() {
        if (!writeTimeoutCounted) {
            writeTimeoutCounted = true;
            server.timeout(Phase.WRITE);
        }
    }

    /**
     * Sends FIN, then reads and discards what the client still sends for a short while, so that closing
     * with unread bytes does not reset the connection before the client has read our error response.
     */
    void lingerAndClose() {
        conn.shutdownOutput();
        if (conn.readExpired()) {
            return;
        }
        conn.setReadDeadlineNanos(clock.nanoTime() + 500_000_000L);
        byte[] scratch = new byte[4096];
        int budget = 64 * 1024;
        try {
            while (budget > 0) {
                int n = conn.read(scratch, 0, scratch.length);
                if (n < 0) {
                    break;
                }
                budget -= n;
            }
        } catch (IOException ignored) {
            // deadline or reset: done lingering
        }
    }

    // ---- for tests ----

    /** Whether a disconnect watcher is (or was, for the bytes it left) reading the socket. */
    boolean watching() {
        return readAhead.handingOff();
    }

    /** Whether the watcher's thread is still running. */
    boolean watcherRunning() {
        return readAhead.running();
    }

    /** The size of the watcher's hand-off buffer, 0 when there is none. */
    int handOffBufferBytes() {
        return readAhead.bufferBytes();
    }
}
