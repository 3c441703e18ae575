package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.HttpDate;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.H2Messages;
import io.hourglass.internal.h2.H2RequestHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;

/**
 * One HTTP/2 stream of an {@link H2Conn}: its state (RFC 9113 section 5.1), the request body the client
 * sends (buffered within the stream's receive window, handed to the handler as it reads, which opens the
 * window again), and the response the handler writes (staged in a buffer of the handler's thread, handed to
 * the {@link H2Writer} a chunk at a time, under the client's flow control). It is the {@link ServerExchange}
 * of its request, so {@link Request} and {@link Response} work on it as on HTTP/1.1. The handler runs on its
 * own virtual thread ({@link H2Dispatch}).
 *
 * <p>Memory is bounded both ways: what the client sends is at most one receive window per stream (and one
 * connection window for all streams); what the handler writes is at most two chunks of {@value #CHUNK} bytes,
 * one staged and one handed over: a write waits while the previous chunk has not left (while the client's
 * window is closed), and that wait is bounded by the write timeout and the minimum response rate.
 *
 * <p>Fields are guarded by the connection's lock unless marked otherwise; the staging fields belong to the
 * handler's thread.
 */
final class H2Stream implements ServerExchange, Runnable {
    static final int CHUNK = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];
    /** Where a stream is in its life, for the streams gauge; NEW and DONE are outside the table. */
    static final int NEW = -1, QUEUED = 0, RUNNING = 1, SENDING = 2, DONE = 3;
    private static final FieldList CONTINUE = new FieldList(1).add(":status", "100");

    final int id;
    final H2Conn c;
    final H2RequestHead head;
    final long startNanos;
    final FlowWindow recvWindow;      // ours: what the client may still send on this stream
    final FlowWindow sendWindow;      // the client's: what we may still send
    private Condition changed;        // guarded by lock; made when the handler first waits for body or output
    private Body body;                // made on the handler's first body() call
    Request request;                  // set before the handler starts
    Response response;

    // ---- state (guarded by the connection's lock) ----
    int phase = NEW;                  // QUEUED, RUNNING (its handler runs), SENDING (the response is leaving), DONE
    Thread thread;                    // the handler's thread while it runs
    boolean remoteClosed;             // END_STREAM received, or reset
    boolean localClosed;              // END_STREAM sent, or reset
    boolean reset;                    // RST_STREAM sent or received: nothing more goes out
    boolean resetByPeer;
    boolean inReady;                  // in the writer's ready queue
    boolean connBlocked;              // waiting for the connection's send window
    boolean streamBlocked;            // waiting for this stream's send window
    int sentStatus;                   // the final status whose HEADERS went out, 0 before
    boolean countedClosed;            // left the count of open streams
    boolean countedGone;              // its cancellation was counted

    // ---- request body (guarded by the lock) ----
    private ArrayDeque<byte[]> chunks; // made with the first DATA
    private int chunkPos;             // read position in chunks.peekFirst()
    private int buffered;             // bytes in chunks
    long received;                    // DATA payload received, for content-length (section 8.1.1)
    volatile long delivered;          // read by the handler; volatile: the timer's rate check reads it
    IOException recvError;            // what body reads throw: a reset, a timeout
    private Headers trailers;
    boolean expectContinue;
    private boolean continueAsked;    // a 100 Continue is pending or sent
    private boolean interimSent;

    // ---- response as handed to the writer (guarded by the lock) ----
    private FieldList pendingHead;
    private boolean headSent;
    private byte[] chunk;             // the chunk being sent; the handler may not touch it until released
    private int chunkLen, chunkPlanned, chunkWritten;
    private byte[] spare;             // a released chunk array for the handler's next buffer
    private boolean endPending;       // END_STREAM goes with the last of what is pending
    private boolean endQueued;
    IOException sendError;            // what writes throw: a reset, a write timeout
    long sent;                        // DATA bytes written

    // ---- response staging (the handler's thread) ----
    private FieldList stagedHead;
    private int stagedStatus;
    private byte[] outBuf;
    private int outLen;
    private boolean handedOff;        // something of the handler's response went to the writer

    // ---- deadlines and rates (System.nanoTime() instants, 0 for none; written under the lock) ----
    volatile long handlerDeadline;    // volatile: read by the handler's thread (Request.deadline)
    volatile long readDeadline;
    volatile long writeDeadline;
    long readingSince;                // a body read waits since, 0 when none
    long readBlocked;                 // total time body reads waited
    long pendingSince;                // a chunk of the response waits to leave since, 0 when none
    long writeBlocked;                // total time chunks waited to leave
    boolean readRateViolated;
    boolean writeTimeoutCounted;

    H2Stream(H2Conn c, int id, H2RequestHead head, long startNanos, int recvInitial, int sendInitial) {
        this.c = c;
        this.id = id;
        this.head = head;
        this.startNanos = startNanos;
        this.recvWindow = new FlowWindow(id, recvInitial);
        this.sendWindow = new FlowWindow(id, sendInitial);
    }

    /** The handler's thread: {@link H2Run}. */
    @Override
    public void run() {
        c.dispatch.runHandler(this);
    }

    /** Wakes the handler if it waits in a body read or a write. Under the lock. */
    void wake() {
        if (changed != null) {
            changed.signal();
        }
    }

    /** Waits for {@link #wake()}. Under the lock, on the handler's thread. */
    private void await() throws InterruptedException {
        if (changed == null) {
            changed = c.lock.newCondition();
        }
        changed.await();
    }

    // ---- ServerExchange: the request ----

    @Override
    public String protocol() {
        return c.tls ? "h2" : "h2c";
    }

    @Override
    public String version() {
        return "HTTP/2.0";
    }

    @Override
    public InputStream body() {
        if (body == null) {
            body = new Body();
        }
        return body;
    }

    @Override
    public long bodyDelivered() {
        return delivered;
    }

    @Override
    public Headers trailers() {
        c.lock.lock();
        try {
            return trailers != null ? trailers : new Headers(0);
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        return c.conn.remoteAddress();
    }

    @Override
    public long connectionId() {
        return c.conn.id();
    }

    @Override
    public void readDeadlineNanos(long deadline) {
        c.lock.lock();
        try {
            readDeadline = deadline;
            c.timers.armed(deadline);
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public long writeDeadlineNanos() {
        return writeDeadline;
    }

    @Override
    public void writeDeadlineNanos(long deadline) {
        c.lock.lock();
        try {
            writeDeadline = deadline;
            c.timers.armed(deadline);
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public boolean closing() {
        return c.server.closing();
    }

    @Override
    public boolean keepAlive() {
        return true; // a stream never decides for its connection
    }

    // ---- the request body: from the reading thread ----

    /** DATA for this stream: keeps a copy for the handler. Under the lock, on the reading thread. */
    void data(byte[] b, int off, int len) {
        if (len > 0) {
            byte[] copy = new byte[len];
            System.arraycopy(b, off, copy, 0, len);
            if (chunks == null) {
                chunks = new ArrayDeque<>(4);
            }
            chunks.addLast(copy);
            buffered += len;
            wake();
        }
    }

    /** The trailer fields, which end the request. Under the lock. */
    void trailers(Headers t) {
        trailers = t;
        wake();
    }

    /** Bytes received and not yet read: returned to the connection window when the stream goes. Under the lock. */
    int discardBody() {
        int n = buffered;
        if (chunks != null) {
            chunks.clear();
        }
        chunkPos = 0;
        buffered = 0;
        return n;
    }

    /** The body stream the handler reads. */
    private final class Body extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            c.lock.lock();
            try {
                askForBody();
                while (buffered == 0) {
                    if (recvError != null) {
                        throw recvError;
                    }
                    if (remoteClosed) {
                        return -1;
                    }
                    awaitBody();
                }
                int n = take(b, off, len);
                delivered += n;
                c.consumed(H2Stream.this, n);
                return n;
            } finally {
                c.lock.unlock();
            }
        }

        @Override
        public int available() {
            c.lock.lock();
            try {
                return buffered;
            } finally {
                c.lock.unlock();
            }
        }
    }

    /** The first read of a body the client holds back for 100-continue sends the interim response. */
    private void askForBody() {
        if (expectContinue && !continueAsked && !remoteClosed && !headSent && !reset) {
            continueAsked = true; // RFC 9110 section 10.1.1; sent as HEADERS :status 100 (RFC 9113 section 8.1)
            c.writer.schedule(this);
        }
    }

    private void awaitBody() throws InterruptedIOException {
        long now = System.nanoTime();
        readingSince = now;
        c.timers.waiting(now, false);
        try {
            await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the request body");
        } finally {
            readBlocked += System.nanoTime() - now;
            readingSince = 0;
        }
    }

    private int take(byte[] b, int off, int len) {
        int done = 0;
        while (done < len && buffered > 0) {
            byte[] first = chunks.peekFirst();
            int n = Math.min(len - done, first.length - chunkPos);
            System.arraycopy(first, chunkPos, b, off + done, n);
            chunkPos += n;
            done += n;
            buffered -= n;
            if (chunkPos == first.length) {
                chunks.pollFirst();
                chunkPos = 0;
            }
        }
        return done;
    }

    // ---- ServerExchange: the response, on the handler's thread ----

    @Override
    public void commit(int status, Headers headers, long contentLength, boolean bodyless) {
        FieldList f = new FieldList(headers.size() + 4);
        H2Messages.serverResponseFields(status, headers, HttpDate.value(), contentLength, f);
        stagedHead = f;
        stagedStatus = status;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (outBuf == null) {
                outBuf = new byte[Math.min(CHUNK, Math.max(len, 512))];
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

    @Override
    public void flush() throws IOException {
        if (stagedHead != null || outLen > 0) {
            handOff(false);
        }
    }

    @Override
    public void end(boolean complete) throws IOException {
        if (!complete) {
            // A body shorter than its content-length must not end with END_STREAM (a malformed message,
            // RFC 9113 section 8.1.1): the reset shows the client it is incomplete.
            c.lock.lock();
            try {
                c.dispatch.reset(this, ErrorCode.INTERNAL_ERROR);
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
        c.lock.lock();
        try {
            while (chunk != null && sendError == null) {
                awaitOutput();
            }
            if (sendError != null) {
                throw sendError;
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
            c.writer.scheduleQuietly(this);
        } finally {
            c.lock.unlock();
        }
        c.writer.writeNow(); // this thread writes it, unless a writer is at work already
    }

    private void awaitOutput() throws InterruptedIOException {
        try {
            await();
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
        long now = System.nanoTime();
        pendingSince = now;
        c.timers.waiting(now, true);
    }

    /** The chunk has left (or was dropped): the handler may reuse its array. */
    private void released() {
        if (pendingSince != 0) {
            writeBlocked += System.nanoTime() - pendingSince;
            pendingSince = 0;
        }
        chunk = null;
        wake();
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
        byte[] text = (message + "\n").getBytes(StandardCharsets.UTF_8);
        Headers h = new Headers(1);
        h.add("Content-Type", "text/plain; charset=utf-8");
        FieldList f = new FieldList(4);
        H2Messages.serverResponseFields(status, h, HttpDate.value(), text.length, f);
        pendingHead = f;
        stagedStatus = status;
        pending(text, text.length);
        endPending = true;
        handedOff = true;
        c.writer.schedule(this);
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
    int plan(H2Writer.Batch b, H2Writer w) {
        if (reset) {
            return 0;
        }
        if (continueAsked && !headSent && pendingHead == null && !interimSent) {
            interimSent = true;
            b.headers(this, CONTINUE, false, true);
            return 0;
        }
        if (pendingHead != null) {
            boolean endNow = endPending && chunk == null;
            b.headers(this, pendingHead, endNow, false);
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
            b.data(this, EMPTY, 0, 0, true);
            endQueued = true;
        }
        return 0;
    }

    private int planData(H2Writer.Batch b, H2Writer w) {
        int n = Math.min(chunkLen - chunkPlanned, Math.min(w.maxFrame(), sendWindow.available()));
        if (n <= 0) {
            streamBlocked = true; // back on the client's WINDOW_UPDATE for this stream
            c.stalled(false);
            return 0;
        }
        n = Math.min(n, w.sendWindow.available());
        if (n <= 0) {
            w.blockedOnConnection(this);
            c.stalled(true);
            return 0;
        }
        sendWindow.take(n);
        w.sendWindow.take(n);
        boolean last = endPending && chunkPlanned + n == chunkLen;
        b.data(this, chunk, chunkPlanned, n, last);
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
        if (streamBlocked && sendWindow.available() > 0) {
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
        if (chunk != null && reset && chunkWritten == chunkPlanned) {
            released(); // dropped by a reset while part of it was being written
        }
        if (endStream && !interim) {
            localClosed = true;
            c.dispatch.settle(this);
        }
    }
}
