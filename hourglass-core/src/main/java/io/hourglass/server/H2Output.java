package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.HttpDate;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.H2Messages;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The response of one HTTP/2 stream on its way out: staged in a buffer of the handler's thread, handed to the
 * {@link H2Writer} a chunk at a time, and sent as HEADERS and DATA frames within the client's flow-control
 * window ({@link #window}). Memory is bounded: at most two chunks of {@value #CHUNK} bytes per stream, one
 * staged and one handed over; a write waits while the previous chunk has not left (the client's window is
 * closed, or the socket is busy), and that wait is bounded by the stream's write timeout and the minimum
 * response rate ({@link H2Timers}). The server's own answers (an error status, the handler timeout's 503) go
 * the same way ({@link #answer}).
 *
 * <p>Staging fields belong to the handler's thread; the rest is guarded by the connection's lock.
 */
final class H2Output {
    static final int CHUNK = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];
    private static final FieldList CONTINUE = new FieldList(1).add(":status", "100");

    private final H2Stream s;
    private final H2Conn c;
    final FlowWindow window;          // the client's window for our DATA on this stream

    // ---- the writer's view (guarded by the lock) ----
    boolean inReady;                  // in the writer's ready queue
    boolean connBlocked;              // waiting for the connection's send window
    private boolean streamBlocked;    // waiting for this stream's send window
    int sentStatus;                   // the final status whose HEADERS went out, 0 before
    IOException error;                // what writes throw: a reset, a write timeout
    long sent;                        // DATA bytes written
    long pendingSince;                // a chunk waits to leave since, 0 when none (the minimum rate)
    long writeBlocked;                // total time chunks waited to leave
    boolean timeoutCounted;           // its write timeout was counted
    private FieldList pendingHead;
    private boolean headSent;
    private byte[] chunk;             // the chunk being sent; the handler may not touch it until released
    private int chunkLen, chunkPlanned, chunkWritten;
    private byte[] spare;             // a released chunk array for the handler's next buffer
    private boolean endPending;       // END_STREAM goes with the last of what is pending
    private boolean endQueued;        // the frame with END_STREAM is in a batch (or written): the stream ends here
    private boolean continueAsked;    // a 100 Continue is pending or sent (or no longer wanted)
    private boolean interimSent;

    // ---- staging (the handler's thread) ----
    private FieldList stagedHead;
    private int stagedStatus;
    private byte[] outBuf;
    private int outLen;
    private boolean handedOff;        // something of the handler's response went to the writer
    private long bodyLeft = -1;       // of the declared content-length, what is not written yet; -1 when none

    H2Output(H2Stream s, int initialWindow) {
        this.s = s;
        this.c = s.c;
        this.window = new FlowWindow(s.id, initialWindow);
    }

    /**
     * The request body is about to be read while the client holds it back for 100-continue: the interim
     * response goes first (RFC 9110 section 10.1.1; HEADERS with :status 100, RFC 9113 section 8.1). Under the lock.
     */
    void askForContinue() {
        if (!continueAsked && !headSent && !s.reset) {
            continueAsked = true;
            c.writer.schedule(this);
        }
    }

    // ---- the handler's side (its thread) ----

    /** The response head, staged until the first hand-over. */
    void commit(int status, Headers headers, long contentLength, boolean bodyless) {
        FieldList f = new FieldList(headers.size() + 4);
        H2Messages.serverResponseFields(status, headers, HttpDate.value(), contentLength, f);
        stagedHead = f;
        stagedStatus = status;
        bodyLeft = bodyless ? -1 : contentLength;
    }

    /** Body bytes, staged in a buffer of up to {@value #CHUNK} bytes; a full one is handed over. */
    void write(byte[] b, int off, int len) throws IOException {
        long declared = bodyLeft;
        if (declared >= 0) {
            bodyLeft = Math.max(0, declared - len);
        }
        while (len > 0) {
            if (outBuf == null) {
                // a body of a declared length that fits in one chunk gets an array of its size (a short body
                // does not make 512 bytes of garbage per response); otherwise one that grows up to a chunk
                outBuf = new byte[declared >= len && declared <= CHUNK ? (int) declared
                        : Math.min(CHUNK, Math.max(len, 512))];
            } else if (outLen == outBuf.length) {
                if (outBuf.length < CHUNK) {
                    outBuf = java.util.Arrays.copyOf(outBuf, Math.min(CHUNK, Math.max(outLen + len, 2 * outLen)));
                } else {
                    handOff(false); // a full chunk: to the writer; the next one fills the spare buffer
                    continue;
                }
            }
            int n = Math.min(len, outBuf.length - outLen);
            System.arraycopy(b, off, outBuf, outLen, n);
            outLen += n;
            off += n;
            len -= n;
        }
    }

    /** Hands what is staged over. */
    void flush() throws IOException {
        if (stagedHead != null || outLen > 0) {
            handOff(false);
        }
    }

    /** The end of the response: END_STREAM with the last of it, or a reset when it is short. */
    void end(boolean complete) throws IOException {
        if (!complete) {
            // A body shorter than its content-length must not end with END_STREAM (a malformed message,
            // RFC 9113 section 8.1.1): the reset shows the client it is incomplete.
            c.lock.lock();
            try {
                c.dispatch.reset(s, ErrorCode.INTERNAL_ERROR);
            } finally {
                c.lock.unlock();
            }
            return;
        }
        handOff(true);
    }

    /**
     * Hands what is staged (head, buffered body, and END_STREAM when {@code end}) to the writer. Waits first
     * while the previous chunk has not left: that wait is the flow control a handler feels.
     */
    private void handOff(boolean end) throws IOException {
        boolean others;
        boolean writeIt = false;
        c.lock.lock();
        try {
            while (chunk != null && error == null) {
                awaitOutput();
            }
            if (error != null) {
                throw error;
            }
            handedOff = true;
            if (stagedHead != null) {
                pendingHead = stagedHead;
                stagedHead = null;
            }
            if (outLen > 0) {
                pending(outBuf, outLen);
                outBuf = spare;
                spare = null;
                outLen = 0;
            }
            endPending |= end;
            others = c.dispatch.running() > 1;
            if (others) {
                c.writer.scheduleQuietly(this); // the role is taken after the yield, so the others' responses join
            } else {
                writeIt = c.writer.scheduleAndClaim(this);
            }
        } finally {
            c.lock.unlock();
        }
        if (others) {
            // Other handlers of this connection are running, most likely started from the same read as this one
            // and queued on this carrier: letting them run first puts their responses in the batch this thread
            // (or whoever takes the role) writes next, one system call for all instead of one each (h2load 64x10:
            // 0.84 socket writes per request became 0.11, a quarter less CPU per request; docs/BENCHMARKS.md,
            // "Round 7"). Nothing else runnable: the yield returns at once.
            Thread.yield();
            c.writer.writeNow(); // this thread writes it, unless a writer is at work already
        } else if (writeIt) {
            c.writer.writeClaimed(); // this thread writes it, as no writer was at work: nobody needs waking
        }
    }

    private void awaitOutput() throws InterruptedIOException {
        try {
            s.awaitChange();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the response");
        }
    }

    /** A chunk is handed to the writer: the time it waits to leave counts for the minimum response rate. */
    private void pending(byte[] b, int len) {
        chunk = b;
        chunkLen = len;
        chunkPlanned = 0;
        chunkWritten = 0;
        long now = c.clock.nanoTime();
        pendingSince = now;
        c.timers.waiting(now, true);
    }

    /** The chunk has left (or was dropped): the handler may reuse its array. */
    private void released() {
        if (pendingSince != 0) {
            writeBlocked += c.clock.nanoTime() - pendingSince;
            pendingSince = 0;
        }
        chunk = null;
        s.wake();
    }

    /** Whether nothing of the handler's response has been handed to the writer: the server may still answer. */
    boolean nothingHandedOff() {
        return !handedOff;
    }

    /** Drops what the handler staged, for the server's own answer in its place. Handler's thread. */
    void dropStaged() {
        stagedHead = null;
        outLen = 0;
    }

    /**
     * The server's own response in place of the handler's (an error status, or the handler timeout's 503),
     * when nothing of the handler's went out: a plain-text body with its length, and END_STREAM. Under the lock.
     */
    void answer(int status, String message) {
        answer(status, message, false);
    }

    /** The same, marked {@code Deadline-Expired: true} when {@code expired} (the client's deadline, issue 14). */
    void answer(int status, String message, boolean expired) {
        byte[] text = (message + "\n").getBytes(StandardCharsets.UTF_8);
        Headers h = new Headers(2);
        h.add("Content-Type", "text/plain; charset=utf-8");
        if (expired) {
            h.add(RequestDeadline.EXPIRED_HEADER, "true");
        }
        FieldList f = new FieldList(4);
        H2Messages.serverResponseFields(status, h, HttpDate.value(), text.length, f);
        pendingHead = f;
        stagedStatus = status;
        pending(text, text.length);
        endPending = true;
        handedOff = true;
        c.writer.schedule(this);
    }

    /** Whether the response's END_STREAM went to the writer: sent, or about to be. Under the lock. */
    boolean endQueued() {
        return endQueued;
    }

    /** Whether the writer has sent no byte of a response yet, so {@link #answer} may replace it. Under the lock. */
    boolean nothingSent() {
        return !headSent && chunkPlanned == 0;
    }

    /** Forgets what was handed to the writer and not sent (a reset). Under the lock. */
    void dropPending() {
        pendingHead = null;
        if (chunk != null && chunkWritten == chunkPlanned) {
            released(); // a chunk part of which is in the batch being written is released when it is written
        }
        endPending = false;
        continueAsked = true;
    }

    // ---- the writer's side (under the lock) ----

    /** Adds this stream's next frame(s) to the batch; returns the DATA bytes planned. */
    int plan(H2Batch b, H2Writer w) {
        if (s.reset) {
            return 0;
        }
        if (continueAsked && !headSent && pendingHead == null && !interimSent) {
            interimSent = true;
            b.headers(s, CONTINUE, false, true);
            return 0;
        }
        if (pendingHead != null) {
            boolean endNow = endPending && chunk == null;
            b.headers(s, pendingHead, endNow, false);
            sentStatus = stagedStatus;
            pendingHead = null;
            headSent = true;
            if (endNow) {
                endQueued = true;
                return 0;
            }
        }
        if (!headSent) {
            return 0; // nothing can go before the head
        }
        if (chunk != null && chunkPlanned < chunkLen) {
            return planData(b, w);
        }
        if (endPending && !endQueued && chunk == null) {
            b.data(s, EMPTY, 0, 0, true);
            endQueued = true;
        }
        return 0;
    }

    private int planData(H2Batch b, H2Writer w) {
        int n = Math.min(chunkLen - chunkPlanned, Math.min(w.maxFrame(), window.available()));
        if (n <= 0) {
            streamBlocked = true; // back on the client's WINDOW_UPDATE for this stream
            c.metrics.h2Stall(false);
            return 0;
        }
        n = Math.min(n, w.sendWindow.available());
        if (n <= 0) {
            w.blockedOnConnection(this);
            c.metrics.h2Stall(true);
            return 0;
        }
        window.take(n);
        w.sendWindow.take(n);
        boolean last = endPending && chunkPlanned + n == chunkLen;
        b.data(s, chunk, chunkPlanned, n, last);
        chunkPlanned += n;
        if (last) {
            endQueued = true;
        } else if (chunkPlanned < chunkLen) {
            w.schedule(this); // round robin: the rest after the other streams' frames
        }
        return n;
    }

    /** The client opened this stream's send window again. */
    void windowOpened(H2Writer w) {
        if (streamBlocked && window.available() > 0) {
            streamBlocked = false;
            w.schedule(this);
        }
    }

    /** A frame of this stream went out (HEADERS when {@code headers}, else DATA of {@code n} bytes). */
    void written(boolean headers, int n, boolean endStream, boolean interim) {
        if (!headers && n > 0) {
            sent += n;
            chunkWritten += n;
            if (chunkWritten == chunkLen && chunkPlanned == chunkLen) {
                spare = chunk.length == CHUNK ? chunk : null; // the handler's next buffer, no allocation
                released();
            }
        }
        if (chunk != null && s.reset && chunkWritten == chunkPlanned) {
            released(); // dropped by a reset while part of it was being written
        }
        if (endStream && !interim) {
            s.localClosed = true;
            c.dispatch.settle(s);
        }
    }
}
