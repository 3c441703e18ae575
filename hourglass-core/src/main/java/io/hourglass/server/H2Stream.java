package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.H2RequestHead;
import io.hourglass.internal.io.BlockInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;

/**
 * One HTTP/2 stream of an {@link H2Conn}: its state (RFC 9113 section 5.1), its deadlines, and the request
 * body the client sends: buffered within the stream's receive window and handed to the handler as it reads,
 * which opens the window again, so what the client sends is at most one receive window per stream (and one
 * connection window for all streams). The response is its {@link H2Output}. It is the {@link ServerExchange}
 * of its request, so {@link Request} and {@link Response} work on it as on HTTP/1.1. The handler runs on its
 * own virtual thread ({@link H2Run}).
 *
 * <p>Fields are guarded by the connection's lock unless marked otherwise.
 */
final class H2Stream implements ServerExchange, Runnable {
    /** Where a stream is in its life, for the streams gauge; NEW and DONE are outside the table. */
    static final int NEW = -1, QUEUED = 0, RUNNING = 1, SENDING = 2, DONE = 3;

    final int id;
    final H2Conn c;
    final H2RequestHead head;
    final long startNanos;
    final FlowWindow recvWindow;      // ours: what the client may still send on this stream
    final H2Output out;               // the response
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
    long headerDeadline;              // RequestDeadline.found: set by the reading thread before the handler starts

    // ---- deadlines and rates (instants of the server's clock, 0 for none; written under the lock) ----
    volatile long handlerDeadline;    // volatile: the handler's thread reads it without the lock (Request.deadline)
    long readDeadline;                // guarded by the lock
    volatile long writeDeadline;      // volatile: read without the lock (Request.deadline, the static files' rate)
    long readingSince;                // a body read waits since, 0 when none
    long readBlocked;                 // total time body reads waited
    boolean readRateViolated;

    H2Stream(H2Conn c, int id, H2RequestHead head, long startNanos, int recvInitial, int sendInitial) {
        this.c = c;
        this.id = id;
        this.head = head;
        this.startNanos = startNanos;
        this.recvWindow = new FlowWindow(id, recvInitial);
        this.out = new H2Output(this, sendInitial);
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
    void awaitChange() throws InterruptedException {
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
    private final class Body extends BlockInputStream {
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
                c.frames.consumed(H2Stream.this, n);
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
        if (expectContinue && !remoteClosed) {
            out.askForContinue();
        }
    }

    private void awaitBody() throws InterruptedIOException {
        long now = c.clock.nanoTime();
        readingSince = now;
        c.timers.waiting(now, false);
        try {
            awaitChange();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the request body");
        } finally {
            readBlocked += c.clock.nanoTime() - now;
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
        out.commit(status, headers, contentLength, bodyless);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void end(boolean complete) throws IOException {
        out.end(complete);
    }
}
