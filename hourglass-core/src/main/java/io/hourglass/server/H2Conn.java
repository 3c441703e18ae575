package io.hourglass.server;

import io.hourglass.http.Phase;
import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.FrameReader;
import io.hourglass.internal.h2.H2Exception;
import io.hourglass.internal.h2.HpackDecoder;
import io.hourglass.internal.h2.Settings;
import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The whole life of one HTTP/2 connection (RFC 9113) once {@link ServerConn} found it is one (ALPN h2, or
 * the h2c preface): our SETTINGS and the client's preface, then one reading loop on the connection's own
 * thread ({@link H2Frames} applies the rules to each frame), an {@link H2Writer} thread that alone writes to
 * the socket, and a virtual thread per stream for its handler ({@link H2Dispatch}, which keeps the stream
 * table). Read top to bottom: {@link #serve()}, the reading of the socket with the header-block deadline, then
 * the ways a connection ends: GOAWAY after an error ({@link #fail}), graceful shutdown and idle timeout (the
 * two-step GOAWAY), the client leaving ({@link #peerGone}), and the wait for the last handler.
 *
 * <p><b>Timeouts</b> are per stream (handler, read, write, minimum rates) and per connection (idle, the
 * preface and header blocks, PING liveness): {@link H2Timers} keeps the connection's one alarm at the
 * earliest of them. The preface and header blocks use the connection's read deadline, as HTTP/1.1's head does.
 *
 * <p>One lock guards the state of the connection and of all its streams: the table, the windows, the
 * writer's queues. It is never held across a socket read or write.
 */
final class H2Conn {
    private static final long LINGER = 1_000_000_000L; // reading what still comes after a GOAWAY, before close

    final Server server;
    final ServerConfig cfg;
    final Http2Config h2;
    final ServerMetrics metrics;
    final ServerConn owner;
    final Conn conn;
    final boolean tls;
    final ReentrantLock lock = new ReentrantLock();
    final Settings ours;
    final H2Limits limits;
    final H2Writer writer;
    final H2Timers timers;
    final H2Dispatch dispatch;
    private final Condition handlersDone = lock.newCondition();
    private final InBuffer in;
    private final FrameReader reader;
    private final H2Frames frames;
    private final long connStart;
    private final long headerLimit;       // the read-header limit, nanoseconds, 0 for none
    private Thread writerThread;

    // ---- guarded by lock ----
    final FlowWindow recvWindow = new FlowWindow(0, Frame.DEFAULT_WINDOW); // ours, for the whole connection
    Settings peer = Settings.DEFAULTS;    // the client's settings
    boolean settingsAcked;                // the client applies ours
    boolean failed;                       // a GOAWAY for an error, or the socket's end: no new streams
    boolean peerLeft;                     // the client closed or reset the connection
    private boolean quietEnd;             // the output is shut down after a graceful end: the end of input is expected
    private int goAwayLastId = -1;        // the last stream id of our final GOAWAY, -1 before
    private boolean announced;            // the first GOAWAY of a graceful shutdown went out
    private boolean headerClock;          // the read deadline bounds a header block (reading thread)

    H2Conn(Server server, ServerConn owner, Conn conn, InBuffer sniffed, boolean tls, long connStart) {
        this.server = server;
        this.cfg = server.config();
        this.h2 = cfg.http2();
        this.metrics = server.recorder();
        this.owner = owner;
        this.conn = conn;
        this.tls = tls;
        this.connStart = connStart;
        this.headerLimit = owner.headerLimit().toNanos();
        this.ours = Settings.DEFAULTS.with(Settings.ENABLE_PUSH, 0)
                .with(Settings.MAX_CONCURRENT_STREAMS, h2.maxConcurrentStreams())
                .with(Settings.INITIAL_WINDOW_SIZE, h2.initialStreamWindow())
                .with(Settings.MAX_FRAME_SIZE, h2.maxFrameSize())
                .with(Settings.MAX_HEADER_LIST_SIZE, maxHeaderListSize(cfg));
        // Bytes the HTTP/1.1 probe read (the preface, perhaps more) move to a buffer that holds a whole frame.
        int have = sniffed.available();
        this.in = new InBuffer(this::readSocket, Math.max(4096, have), h2.maxFrameSize() + Frame.HEADER_LENGTH);
        System.arraycopy(sniffed.buf, sniffed.pos, in.buf, 0, have);
        in.lim = have;
        sniffed.pos = sniffed.lim;
        HpackDecoder decoder = new HpackDecoder(ours.maxHeaderListSize());
        this.reader = FrameReader.forServer(in, decoder);
        reader.maxFrameSize(h2.maxFrameSize());
        // Cap the encoded bytes and the frames of one header block, even while it is discarded (CONTINUATION
        // floods): the encoded block is never much larger than the decoded list it may become.
        reader.headerBlockLimits((int) Math.min(1 << 20, Math.max(64 * 1024, 2 * ours.maxHeaderListSize())), 32);
        this.limits = new H2Limits(h2);
        this.writer = new H2Writer(this);
        this.timers = new H2Timers(this);
        this.dispatch = new H2Dispatch(this);
        this.frames = new H2Frames(this);
    }

    /**
     * Whether a cleartext connection starts with the HTTP/2 client preface (h2c with prior knowledge, RFC 9113
     * section 3.3). Reads only while what arrived matches the preface: the first byte of an HTTP/1.1 request
     * ("G", "P" followed by anything but "RI", ...) decides at once. What was read stays in {@code in} for
     * whichever protocol it is. A failure or the read deadline ends the sniffing with false: HTTP/1.1's reading
     * meets the same failure and answers it as it always has.
     *
     * @param deadline the read deadline of the first request's header, 0 for none
     */
    static boolean sniffPreface(Conn conn, InBuffer in, long deadline) {
        conn.setReadDeadlineNanos(deadline);
        try {
            while (Frame.isPrefaceStart(in.buf, in.pos, in.available())) {
                if (in.available() >= Frame.PREFACE_LENGTH) {
                    return true;
                }
                if (in.fill() <= 0) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** SETTINGS_MAX_HEADER_LIST_SIZE from the HTTP/1.1 limits: as many bytes of fields, plus 32 per field. */
    static long maxHeaderListSize(ServerConfig cfg) {
        return (long) cfg.maxHeaderBytes() + 32L * cfg.maxHeaderCount();
    }

    // ---- the connection's life ----

    /** Runs the connection on the calling thread (the connection's own); returns when it is done. */
    void serve() {
        writerThread = Thread.ofVirtual().name("hourglass-h2-writer-" + conn.id()).start(writer);
        conn.setAlarm(timers::onAlarm);
        lock.lock();
        try {
            writer.settings(ours); // the server's preface (section 3.4), sent without waiting for the client's
            int extra = h2.connectionWindow() - Frame.DEFAULT_WINDOW;
            if (extra > 0) {
                writer.windowUpdate(0, extra); // the connection window has no setting (section 6.9.2)
                grow(recvWindow, extra);
            }
            conn.setReadDeadlineNanos(headerLimit == 0 ? 0 : connStart + headerLimit);
        } finally {
            lock.unlock();
        }
        if (server.closing()) {
            shutdown(); // the server began to shut down as this connection arrived
        }
        try {
            reader.readPreface();
            readFrames();
        } catch (H2Exception e) {
            if (e.code() == ErrorCode.ENHANCE_YOUR_CALM && e.getMessage().contains("header block")) {
                metrics.limit(ServerMetrics.Limit.HEADER_BLOCK); // the codec's CONTINUATION flood cap
            }
            server.log(e);
            fail(e.code(), e.getMessage());
        } catch (DeadlineExceededException e) {
            readTimedOut();
        } catch (IOException e) {
            peerGone();
        } catch (RuntimeException e) {
            server.internalError(e);
            fail(ErrorCode.INTERNAL_ERROR, "internal error");
        }
        lingerAndWait();
    }

    /** The reading loop: every frame, until the client closes; stream errors reset one stream and go on. */
    private void readFrames() throws IOException {
        boolean first = true;
        while (true) {
            try {
                if (!reader.readFrame(frames)) {
                    peerGone(); // a clean end of stream: the client closed the connection
                    return;
                }
            } catch (H2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                frames.streamError(e);
            }
            if (first) {
                first = false;
                clearPrefaceDeadline(); // the client's preface ends with its SETTINGS frame, now read
            }
            frames.afterFrame();
        }
    }

    private void clearPrefaceDeadline() {
        lock.lock();
        try {
            if (!failed && !headerClock) {
                conn.setReadDeadlineNanos(0);
            }
            timers.startIdle(System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The {@link InBuffer}'s source. While a header block is incomplete (a HEADERS or CONTINUATION frame
     * only partly here, or a block waiting for its CONTINUATION), the read deadline bounds it: the
     * read-header timeout, from the first time the reading waits for the rest of the block. HPACK state is
     * shared by all streams, so a stalled block stalls the connection, and the connection is what ends.
     */
    private int readSocket(byte[] b, int off, int len) throws IOException {
        boolean inBlock = reader.headerBlockStreamId() != 0 || partialHeaderFrame();
        if (inBlock != headerClock && headerLimit > 0) {
            lock.lock();
            try {
                headerClock = inBlock;
                if (!failed) {
                    conn.setReadDeadlineNanos(inBlock ? System.nanoTime() + headerLimit : 0);
                }
            } finally {
                lock.unlock();
            }
        }
        return conn.read(b, off, len);
    }

    private boolean partialHeaderFrame() {
        if (in.available() < 4) {
            return false;
        }
        int type = in.buf[in.pos + 3];
        return type == Frame.HEADERS || type == Frame.CONTINUATION;
    }

    /** The read deadline passed: the preface or a header block did not arrive in time (read-header). */
    private void readTimedOut() {
        lock.lock();
        try {
            if (failed) {
                return; // the lingering read of a connection already ending
            }
        } finally {
            lock.unlock();
        }
        server.timeout(Phase.READ_HEADER, true);
        fail(ErrorCode.PROTOCOL_ERROR, "request header not read within " + fmt(owner.headerLimit()) + " ("
                + owner.headerLimitName() + ")");
    }

    /**
     * Ends the connection for good (section 5.4.1): GOAWAY with {@code code} naming the last stream the
     * server processed, every handler cancelled, the output shut down once the GOAWAY is out, and what the
     * client still sends read and dropped for a second. Idempotent; any thread, not under the lock.
     */
    void fail(ErrorCode code, String debug) {
        lock.lock();
        try {
            failWithLock(code, debug);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #fail}, for a caller that holds the lock. */
    void failWithLock(ErrorCode code, String debug) {
        if (failed) {
            return;
        }
        failed = true;
        goAwayLastId = dispatch.lastStreamId();
        byte[] text = debug.getBytes(StandardCharsets.UTF_8);
        writer.goAway(goAwayLastId, code, text.length <= 256 ? text : java.util.Arrays.copyOf(text, 256));
        metrics.h2GoAway(code);
        writer.stopStreams();
        conn.setReadDeadlineNanos(System.nanoTime() + LINGER); // wakes the reading loop, ends the lingering
        dispatch.cancelAll("connection error " + code + ": " + debug, true);
    }

    /** The client closed (or reset) the connection: every handler is cancelled, as on HTTP/1.1. */
    void peerGone() {
        lock.lock();
        try {
            if (quietEnd || failed && !peerLeft && goAwayLastId >= 0) {
                return; // the end of a connection we were closing anyway
            }
            failed = true;
            peerLeft = true;
            writer.abandon();
            dispatch.cancelAll("client closed the connection", true);
        } finally {
            lock.unlock();
        }
        conn.close(); // our FIN goes now: CLOSE_WAIT ends here, not when the last handler returns
    }

    /** The writer could not write: the socket is gone, or the write deadline passed on a client that does not read. */
    void writeFailed(IOException e) {
        if (conn.writeExpired()) {
            server.timeout(Phase.WRITE, true);
            metrics.limit(ServerMetrics.Limit.SLOW_READER);
        }
        server.log(e);
        peerGone();
        conn.abort();
    }

    /** More control frames are queued than the socket takes: the client does not read. Under the lock. */
    void controlQueueOverflow() {
        if (!failed) {
            metrics.limit(ServerMetrics.Limit.CONTROL_QUEUE);
            failed = true;
            peerLeft = true;
            writer.abandon();
            dispatch.cancelAll("client does not read", true);
            conn.abort(); // nothing reaches a peer that does not read, not even a GOAWAY
        }
    }

    /**
     * After the reading loop: the writer sends what is queued (a GOAWAY) and shuts the output down; meanwhile
     * what the client still sends is read and dropped for a short while (closing with unread bytes would reset
     * the connection before the client read the GOAWAY). Then waits until every handler has returned, since
     * the connection's slot counts work too. ServerConn closes the socket.
     */
    private void lingerAndWait() {
        lock.lock();
        try {
            failed = true;
            dispatch.cancelAll("connection closed", false);
            writer.stop();
        } finally {
            lock.unlock();
        }
        if (!conn.isClosed() && !peerLeft && !conn.readExpired()) {
            if (conn.readDeadlineNanos() == 0) {
                conn.setReadDeadlineNanos(System.nanoTime() + LINGER);
            }
            byte[] scratch = new byte[4096];
            try {
                for (int budget = 256 * 1024; budget > 0; ) {
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
        lock.lock();
        try {
            while (dispatch.running() > 0) {
                handlersDone.awaitUninterruptibly();
            }
            dispatch.retireAll();
            timers.stop();
        } finally {
            lock.unlock();
        }
        try {
            writerThread.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            writer.abandon(); // a client that does not read in time gets the close without the rest
        } finally {
            lock.unlock();
        }
    }

    /** A handler returned (the reading thread may be waiting for the last one). Under the lock. */
    void handlerReturned() {
        handlersDone.signalAll();
    }

    // ---- graceful shutdown and idle (section 6.8) ----

    /**
     * Graceful shutdown, step one: GOAWAY with the largest stream id, so the client stops opening streams
     * while those already on their way still count, and a PING; step two, when the PING comes back (or a
     * second has passed), the final GOAWAY with the last stream id served. The connection closes when its
     * last stream is done, or at the shutdown timeout ({@link #abort}). Idempotent; any thread.
     */
    void shutdown() {
        lock.lock();
        try {
            if (failed || announced || goAwayLastId >= 0) {
                return;
            }
            announced = true;
            writer.goAway(Frame.MAX_STREAM_ID, ErrorCode.NO_ERROR, new byte[0]);
            metrics.h2GoAway(ErrorCode.NO_ERROR);
            writer.ping(SHUTDOWN_PING, false);
            timers.shutdownStarted(System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** The opaque data of the PING whose acknowledgement is step two of a graceful shutdown. */
    static final long SHUTDOWN_PING = 0x686f7572676c6173L; // "hourglas"

    /** Step two of {@link #shutdown()}, the idle timeout's GOAWAY, or the end of stream ids. Under the lock. */
    void finalGoAway() {
        if (failed || goAwayLastId >= 0) {
            return;
        }
        goAwayLastId = dispatch.lastStreamId();
        writer.goAway(goAwayLastId, ErrorCode.NO_ERROR, new byte[0]);
        metrics.h2GoAway(ErrorCode.NO_ERROR);
        endIfDone();
    }

    /** Whether stream {@code id} is one the connection no longer takes: after the final GOAWAY, or an error. */
    boolean refuses(int id) {
        return failed || (goAwayLastId >= 0 && id > goAwayLastId);
    }

    /** After the final GOAWAY, once no stream is left: the output is shut down and the connection ends. */
    void endIfDone() {
        if (goAwayLastId >= 0 && !failed && dispatch.held() == 0) {
            failed = true;
            quietEnd = true;
            writer.stop();
            conn.setReadDeadlineNanos(System.nanoTime() + LINGER);
        }
    }

    /** The idle timeout passed with no stream: GOAWAY and close (Go does the same). Under the lock. */
    void idleTimedOut() {
        server.timeout(Phase.IDLE, true);
        finalGoAway();
    }

    /** The liveness PING was not acknowledged in time: the connection is dead; its handlers are cancelled. */
    void pingTimedOut() {
        server.timeout(Phase.PING, true);
        failed = true;
        peerLeft = true;
        writer.abandon();
        dispatch.cancelAll("connection lost: PING not acknowledged", true);
        conn.abort();
    }

    /** Shutdown timeout passed: closes at once (RST), cancelling what still runs. Any thread. */
    void abort() {
        lock.lock();
        try {
            failed = true;
            peerLeft = true;
            writer.abandon();
            dispatch.cancelAll("server shut down", false);
        } finally {
            lock.unlock();
        }
        conn.abort();
    }

    // ---- flow control of what the client sends (section 6.9), under the lock ----

    /** The handler read {@code n} body bytes: the client may send as many again. */
    void consumed(H2Stream s, int n) {
        if (!s.remoteClosed) {
            int inc = s.recvWindow.release(n, h2.initialStreamWindow() / 2);
            if (inc > 0) {
                writer.windowUpdate(s.id, inc);
            }
        }
        returnToConnection(n);
    }

    /** Padding of a DATA frame: window taken that nobody reads. */
    void consumedPadding(H2Stream s, int n) {
        if (n > 0) {
            consumed(s, n);
        }
    }

    /** Bytes the connection window counted that nobody will read (a stream gone, a body left unread). */
    void returnToConnection(int n) {
        if (n > 0 && !failed) {
            int inc = recvWindow.release(n, h2.connectionWindow() / 2);
            if (inc > 0) {
                writer.windowUpdate(0, inc);
            }
        }
    }

    /** A stream's response waited for the client's window: counted once per wait. */
    void stalled(boolean connectionWindow) {
        metrics.h2Stall(connectionWindow);
    }

    /** Our SETTINGS were acknowledged: the client applies them from now on. */
    void oursAcknowledged() {
        settingsAcked = true;
    }

    /** The connections-by-state gauge: active while a stream is held, idle otherwise. Under the lock. */
    void active(boolean active) {
        owner.enter(active ? ServerConn.ACTIVE : ServerConn.IDLE);
    }

    private static void grow(FlowWindow w, int n) {
        try {
            w.credit(n);
        } catch (H2Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Snapshot of the streams, for the timer. Under the lock. */
    List<H2Stream> streams() {
        return dispatch.table();
    }

    static String fmt(Duration d) {
        return io.hourglass.internal.text.Durations.format(d);
    }
}
