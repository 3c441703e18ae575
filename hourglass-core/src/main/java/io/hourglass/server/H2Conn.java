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
import io.hourglass.net.Clock;
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
    final Clock clock;                    // the server's: every instant below and in the H2 classes is of this clock
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
    private final H2Input input;
    private final FrameReader reader;
    final H2Frames frames;
    private final long connStart;
    private final long headerLimit;       // the read-header limit, nanoseconds, 0 for none
    private Thread writerThread;

    // ---- guarded by lock ----
    Settings peer = Settings.DEFAULTS;    // the client's settings
    boolean settingsAcked;                // the client applies ours
    boolean failed;                       // a GOAWAY for an error, or the socket's end: no new streams
    boolean peerLeft;                     // the client closed or reset the connection
    private boolean quietEnd;             // the output is shut down after a graceful end: the end of input is expected
    private int goAwayLastId = -1;        // the last stream id of our final GOAWAY, -1 before
    private boolean announced;            // the first GOAWAY of a graceful shutdown went out

    H2Conn(Server server, ServerConn owner, Conn conn, InBuffer sniffed, boolean tls, long connStart) {
        this.server = server;
        this.clock = server.clock();
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
        this.input = new H2Input(this, sniffed, headerLimit);
        this.reader = input.reader;
        this.limits = new H2Limits(h2);
        this.writer = new H2Writer(this);
        this.timers = new H2Timers(this);
        this.dispatch = new H2Dispatch(this);
        this.frames = new H2Frames(this);
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
                frames.grow(extra);
            }
            input.prefaceDeadline(connStart);
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
            input.prefaceRead();
            timers.startIdle(clock.nanoTime());
        } finally {
            lock.unlock();
        }
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
        conn.setReadDeadlineNanos(clock.nanoTime() + LINGER); // wakes the reading loop, ends the lingering
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
            linger();
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

    /** Reads and drops what the client still sends, 256 KiB at most, until its end or the linger deadline. */
    private void linger() {
        if (conn.readDeadlineNanos() == 0) {
            conn.setReadDeadlineNanos(clock.nanoTime() + LINGER);
        }
        byte[] scratch = new byte[4096];
        try {
            int n = 0;
            for (int budget = 256 * 1024; budget > 0 && n >= 0; budget -= n) {
                n = conn.read(scratch, 0, scratch.length);
            }
        } catch (IOException ignored) {
            // deadline or reset: done lingering
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
            timers.shutdownStarted(clock.nanoTime());
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
            conn.setReadDeadlineNanos(clock.nanoTime() + LINGER);
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

    /** Our SETTINGS were acknowledged: the client applies them from now on. */
    void oursAcknowledged() {
        settingsAcked = true;
    }

    /** The connections-by-state gauge: active while a stream is held, idle otherwise. Under the lock. */
    void active(boolean active) {
        owner.enter(active ? ServerConn.ACTIVE : ServerConn.IDLE);
    }

    /** Snapshot of the streams, for the timer. Under the lock. */
    List<H2Stream> streams() {
        return dispatch.table();
    }

    static String fmt(Duration d) {
        return io.hourglass.internal.text.Durations.format(d);
    }
}
