package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.H2ResponseHead;
import io.hourglass.internal.io.ReadAhead;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;

/**
 * One HTTP/2 stream of a client connection (RFC 9113 section 5.1): the request going out, the response
 * coming in, and the flow-control windows of both directions.
 *
 * <p>Two threads touch a stream: the caller (writes the request, waits for the head, reads the body, resets
 * on timeout or cancel) and the connection's reader thread (hands over HEADERS, DATA, RST_STREAM and window
 * credit). Every field below is guarded by the connection's {@code lock}; waiting is on {@link #changed}, which
 * the reader signals when something arrives and the connection's alarm signals when this stream's
 * {@link #alarmAt} has passed. The caller's {@link ReadAhead.Waiter} says whether its deadline passed or it
 * was cancelled: it is checked before every wait, so a stream never waits past its caller's deadline.
 *
 * <p>Received DATA is kept in {@link #buf} until the caller reads it. The stream's receive window is what
 * bounds that buffer: credit goes back to the server (WINDOW_UPDATE) only as the caller reads, so an unread
 * body stops the server after one window. The connection's window is credited as DATA arrives instead, so a
 * slow reader on one stream never stalls the others (see {@link H2Inbound}).
 */
final class H2Stream {
    /** Where the response is: waiting for its head, reading its body, or over. */
    static final int HEAD = 0, BODY = 1, DONE = 2;

    final H2Connection conn;
    final Condition changed;
    int id;                             // 0 until HEADERS go out; guarded by the connection's writeLock and lock
    FlowWindow sendWindow;              // guarded by lock; the server's window for our DATA (from open)
    FlowWindow recvWindow;              // guarded by lock; our window for the server's DATA (from open)
    long readsAtStart;                  // the connection's read count when HEADERS went out (see pendingResets)

    // Response side, guarded by the connection's lock.
    H2ResponseHead head;                // the final head, once received
    boolean continued;                  // a 100 (Continue) came
    Headers trailers;                   // once received (END_STREAM on a HEADERS after the head)
    private byte[] buf;                 // received DATA not read yet: buf[rpos, rlen)
    private int rpos, rlen;
    long received;                      // DATA bytes received, checked against content-length
    boolean bodyless;                   // a HEAD request, or a 204/304: content-length describes no DATA
    boolean remoteEnded;                // END_STREAM received
    boolean localEnded;                 // END_STREAM sent
    boolean closed;                     // no longer counted by the connection: ended both ways, or reset
    IOException failure;                // why the stream ended badly (reset, GOAWAY, connection lost)
    boolean resetSent;                  // we reset it (timeout, cancel, protocol error)

    // Written by the caller, read by the timer thread's alarm: volatile for that hand-over.
    volatile long alarmAt;              // 0: none
    volatile ReadAhead.Waiter waiter;    // checked before each wait; null for none
    volatile Runnable expiry;           // run (off the timer) when alarmAt passes and nobody waits

    H2Stream(H2Connection conn) {
        this.conn = conn;
        this.changed = conn.lock.newCondition();
    }

    int id() {
        return id;
    }

    /** Sets the instant at which the connection's alarm wakes this stream's waiting caller (0 for none). */
    void arm(long at) {
        alarmAt = at;
        conn.armStream(at);
    }

    // ---- the caller's side: waits ----

    /**
     * Waits under the connection's lock until something changes, checking the caller's deadline first.
     *
     * @throws IOException the caller's timeout or cancellation, or InterruptedIOException on an interrupt
     */
    void await() throws IOException {
        ReadAhead.Waiter w = waiter;
        if (w != null) {
            w.check();
        }
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (w != null) {
                w.check(); // turns the interrupt into the call's CANCELLED error
            }
            throw new InterruptedIOException("interrupted while waiting on stream " + id);
        }
    }

    /** Throws the stream's failure, if any. Under lock. */
    void throwIfFailed() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Waits for the response head: the final head, or (when {@code untilContinue}) a 100 Continue, in which
     * case null is returned.
     */
    H2ResponseHead awaitHead(boolean untilContinue) throws IOException {
        conn.lock.lock();
        try {
            while (head == null && !(untilContinue && continued)) {
                throwIfFailed();
                if (remoteEnded) {
                    throw new H2StreamException(H2StreamException.Kind.PROTOCOL, id,
                            "stream ended without a response head");
                }
                await();
            }
            return head;
        } finally {
            conn.lock.unlock();
        }
    }

    /** Reads body bytes; -1 at the end of the body. Credit goes back to the server as bytes are read. */
    int read(byte[] b, int off, int len) throws IOException {
        int n;
        int increment;
        conn.lock.lock();
        try {
            while (rlen == rpos) {
                if (remoteEnded) {
                    return -1;
                }
                throwIfFailed();
                await();
            }
            n = Math.min(len, rlen - rpos);
            System.arraycopy(buf, rpos, b, off, n);
            rpos += n;
            if (rpos == rlen) {
                rpos = 0;
                rlen = 0;
            }
            // Section 6.9: credit the server for what the caller consumed, in batches of half a window.
            increment = remoteEnded || closed ? 0 : recvWindow.release(n, conn.options.streamWindow() / 2);
        } finally {
            conn.lock.unlock();
        }
        if (increment > 0) {
            conn.sendWindowUpdate(id, increment);
        }
        return n;
    }

    /** Whether any part of the response came (a head, an interim head, or DATA). */
    boolean responseStarted() {
        conn.lock.lock();
        try {
            return head != null || continued || received > 0;
        } finally {
            conn.lock.unlock();
        }
    }

    /** The trailers once the whole response came and the body was read, else null. */
    Headers trailersIfComplete() {
        conn.lock.lock();
        try {
            return remoteEnded && failure == null && rpos == rlen ? trailers : null;
        } finally {
            conn.lock.unlock();
        }
    }

    /** DATA bytes received. */
    long received() {
        conn.lock.lock();
        try {
            return received;
        } finally {
            conn.lock.unlock();
        }
    }

    /** Wakes the caller waiting on this stream (a cancel from another thread; it checks its Reader). */
    void wake() {
        conn.lock.lock();
        try {
            changed.signalAll();
        } finally {
            conn.lock.unlock();
        }
    }

    /** Bytes that can be read without waiting. */
    int available() {
        conn.lock.lock();
        try {
            return rlen - rpos;
        } finally {
            conn.lock.unlock();
        }
    }

    /** Whether the whole response (END_STREAM) has arrived and been read. */
    boolean complete() {
        conn.lock.lock();
        try {
            return remoteEnded && rlen == rpos && failure == null;
        } finally {
            conn.lock.unlock();
        }
    }

    // ---- the caller's side: writing ----

    /** Sends the request's header block; the stream gets its id here (see {@link H2Connection#open}). */
    void start(FieldList fields, boolean endStream) throws IOException {
        conn.open(this, fields, endStream);
    }

    /**
     * Sends request body bytes as DATA frames, as the send windows allow (the stream's and the connection's),
     * waiting for credit within the caller's deadline; {@code last} ends the stream.
     */
    void writeData(byte[] b, int off, int len, boolean last) throws IOException {
        do {
            int n = takeSendCredit(len);
            conn.writeData(this, b, off, n, last && n == len);
            off += n;
            len -= n;
        } while (len > 0);
    }

    /**
     * Sends the request's trailer section: a HEADERS frame with END_STREAM after the DATA (RFC 9113 section
     * 8.1). Not flow-controlled (section 6.9 covers DATA only).
     */
    void writeTrailers(FieldList fields) throws IOException {
        conn.lock.lock();
        try {
            throwIfFailed();
            if (remoteEnded && head != null) {
                // The server answered in full before the request's end (section 8.1): stop, as for DATA.
                throw new H2StreamException(H2StreamException.Kind.ANSWERED_EARLY, id,
                        "the server answered before the request's trailers were sent");
            }
        } finally {
            conn.lock.unlock();
        }
        conn.writeTrailers(this, fields);
    }

    /** Waits for send credit and takes up to {@code want} bytes of it (at least 1 unless {@code want} is 0). */
    private int takeSendCredit(int want) throws IOException {
        conn.lock.lock();
        try {
            while (true) {
                throwIfFailed();
                if (remoteEnded && head != null) {
                    // The server answered in full before the body was sent (RFC 9113 section 8.1): stop.
                    throw new H2StreamException(H2StreamException.Kind.ANSWERED_EARLY, id,
                            "the server answered before the request body was sent");
                }
                int n = Math.min(want, conn.sendCredit(this));
                if (n > 0 || want == 0) {
                    sendWindow.take(n);
                    conn.takeSendCredit(n);
                    return n;
                }
                await();
            }
        } finally {
            conn.lock.unlock();
        }
    }

    /**
     * Resets the stream with {@code code} if it is still open (a timeout, a cancel, a body closed early): the
     * server is told at once, the stream's unread bytes are dropped, and the connection goes on. Returns
     * whether a RST_STREAM was sent.
     */
    boolean reset(ErrorCode code) {
        return conn.resetStream(this, code);
    }

    // ---- the reader's side, under the connection's lock ----

    /** Appends received DATA; the caller of this checked the receive window. */
    void deliver(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        if (buf == null || rlen + len > buf.length) {
            grow(len);
        }
        System.arraycopy(b, off, buf, rlen, len);
        rlen += len;
        received += len;
    }

    private void grow(int more) {
        int live = rlen - rpos;
        if (buf != null && live + more <= buf.length) {
            System.arraycopy(buf, rpos, buf, 0, live); // room at the front: compact
        } else {
            // Bounded by the receive window: the server cannot send more than we credited.
            int size = Math.max(live + more, buf == null ? 1024 : Math.min(buf.length * 2, conn.options.streamWindow()));
            byte[] nb = new byte[Math.max(size, live + more)];
            if (buf != null) {
                System.arraycopy(buf, rpos, nb, 0, live);
            }
            buf = nb;
        }
        rpos = 0;
        rlen = live;
    }

    /** Ends the stream badly and wakes its caller. */
    void fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        buf = null;
        rpos = 0;
        rlen = 0;
        changed.signalAll();
    }

    @Override
    public String toString() {
        return "stream " + id + " on connection #" + conn.conn.id();
    }
}
