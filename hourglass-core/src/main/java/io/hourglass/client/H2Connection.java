package io.hourglass.client;

import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.FrameReader;
import io.hourglass.internal.h2.FrameWriter;
import io.hourglass.internal.h2.H2Exception;
import io.hourglass.internal.h2.HpackDecoder;
import io.hourglass.internal.h2.HpackEncoder;
import io.hourglass.internal.h2.Settings;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.net.Conn;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 client connection (RFC 9113): the preface and SETTINGS, a reader thread that hands frames to
 * streams ({@link H2Inbound}), the streams' slots under the server's SETTINGS_MAX_CONCURRENT_STREAMS, frames
 * out, liveness by PING ({@link H2Liveness}), and how the connection ends.
 *
 * <p><b>Threads and locks.</b> The reader thread (a platform thread, see {@link #start}) owns the frame reader, the HPACK decoder and the
 * connection's receive window. Callers write their own frames (HEADERS, DATA, RST_STREAM), as Go's Transport
 * does: no hand-off to a writer thread on the hot path. Two locks, always taken in this order:
 * {@link #writeLock} guards the frame writer, the HPACK encoder (blocks reach the server in the order they
 * are encoded) and stream id allocation; {@link #lock} guards the stream table, the windows, the settings and
 * the connection's state, and is never held across I/O. A write that cannot make progress for
 * {@code http2PingTimeout} (a server that stopped reading) ends the connection through the write deadline.
 *
 * <p><b>Slots.</b> A stream counts against the server's limit from the moment the pool reserves it
 * ({@link #tryReserve()}) until it is closed both ways or reset; a stream this client reset while nothing had
 * been read from the connection since the stream started keeps counting until the PING sent with the reset is
 * acknowledged (Go's pendingResets): a connection that may be dead takes no new calls meanwhile.
 *
 * <p>It is the {@link Carrier} of HTTP/2: each call the pool gives a slot here opens one {@link H2Call} on it.
 */
final class H2Connection implements Carrier {
    /** The settings of a connection, from {@link ClientConfig}. */
    record Options(int streamWindow, int connectionWindow, long readIdleNanos, long pingTimeoutNanos,
            long idleTimeoutNanos, int maxHeaderListSize) {}

    /** What the connection reports; callbacks are fast, never throw, and run on whichever thread saw it. */
    interface Events {
        default void streamOpened(int streamId) {}
        default void streamReset(int streamId, boolean byServer, int code) {}
        default void pingSent(String reason) {}
        default void pingAcked(long rttNanos) {}
        default void pingTimedOut() {}
        default void goAwayReceived(int lastStreamId, int code) {}
        /** A slot may have freed, or the connection stopped taking streams: pool waiters should look again. */
        default void capacity() {}
        /** The connection ended; it takes no more streams. */
        default void closed(String reason) {}
    }

    /** Streams assumed allowed before the server's SETTINGS arrive, and the cap of an unlimited setting (as Go). */
    static final int INITIAL_MAX_STREAMS = 100, UNLIMITED_STREAMS = 1000;

    final Conn conn;
    final Options options;
    final Events events;
    final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    final H2Liveness liveness;

    // Frames out: guarded by writeLock.
    private final FrameWriter writer;
    private final OutBuffer out; // the writer's buffer: frames a writer left for the next one to flush
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private int nextStreamId = 1;

    // Frames in: the reader thread's.
    final InBuffer in;
    final FrameReader reader;
    final HpackDecoder decoder;
    final FlowWindow recvWindow;
    final int connWindowSize;
    // Socket reads that brought bytes, and when the last one did; written by the reader thread alone, volatile
    // because callers (a reset: was anything read since my stream started?) and the alarm read them.
    volatile long reads;
    volatile long lastReadAt;

    // Connection state: guarded by lock.
    final HashMap<Integer, H2Stream> streams = new HashMap<>();
    Settings peer = Settings.DEFAULTS;
    boolean peerSettingsReceived;
    final FlowWindow sendWindow = new FlowWindow(0, Frame.DEFAULT_WINDOW);
    int peerMaxFrameSize = Frame.DEFAULT_MAX_FRAME_SIZE;
    int reserved;                 // slots taken by the pool for streams not opened yet
    int pendingResets;            // reset streams still counted until a PING ACK
    int lastStreamId;             // the highest stream id opened
    int goAwayLastId = -1;        // the server's GOAWAY last stream id, -1 before any
    boolean exhausted;            // stream ids used up, or closing: no new streams
    IOException failure;          // why the connection ended; null while it lives
    long idleSince;               // when the last stream closed; 0 while any is open or reserved

    private H2Connection(Conn conn, Options options, Events events) {
        this.conn = conn;
        this.options = options;
        this.events = events;
        this.out = new OutBuffer(conn::write, 16 * 1024);
        this.writer = new FrameWriter(out);
        this.in = new InBuffer(this::readSocket, 16 * 1024, Frame.DEFAULT_MAX_FRAME_SIZE + Frame.HEADER_LENGTH);
        this.decoder = new HpackDecoder(options.maxHeaderListSize());
        this.reader = FrameReader.forClient(in, decoder);
        this.connWindowSize = Math.max(Frame.DEFAULT_WINDOW, options.connectionWindow());
        this.recvWindow = new FlowWindow(0, connWindowSize);
        this.liveness = new H2Liveness(this);
        this.lastReadAt = conn.clock().nanoTime();
        this.idleSince = lastReadAt;
    }

    /**
     * Starts HTTP/2 on a connected (and, for h2, handshaken) connection: writes the preface, our SETTINGS and
     * the connection window, and starts the reader thread. Streams may open at once (RFC 9113 section 3.4).
     * The reader is a platform thread: a virtual one paid a poller wake-up, a mount and an unmount for each
     * batch of frames, about a sixth of the client's CPU per call at one caller (docs/BENCHMARKS.md).
     */
    static H2Connection start(Conn conn, Options options, Events events) throws IOException {
        H2Connection c = new H2Connection(conn, options, events);
        c.writePreface();
        Thread.ofPlatform().daemon().name("hourglass-h2-reader-" + conn.id()).start(c::readLoop);
        c.liveness.start();
        return c;
    }

    @Override
    public long id() {
        return conn.id();
    }

    @Override
    public String protocol() {
        return "h2";
    }

    /** A stream for {@code call}, on the slot the pool reserved for it ({@link #tryReserve()}). */
    @Override
    public Stream open(Exchange call) {
        return new H2Call(this, call);
    }

    private void writePreface() throws IOException {
        Settings ours = Settings.DEFAULTS.with(Settings.ENABLE_PUSH, 0)
                .with(Settings.INITIAL_WINDOW_SIZE, options.streamWindow())
                .with(Settings.MAX_HEADER_LIST_SIZE, options.maxHeaderListSize());
        writeLock.lock();
        try {
            beginWrite();
            writer.writePreface();
            writer.writeSettings(ours);
            int extra = recvWindow.available() - Frame.DEFAULT_WINDOW;
            if (extra > 0) {
                writer.writeWindowUpdate(0, extra); // section 6.9.2: the connection window moves only this way
            }
            writer.flush();
            endWrite();
        } finally {
            writeLock.unlock();
        }
    }

    private int readSocket(byte[] b, int off, int len) throws IOException {
        int n = conn.read(b, off, len);
        if (n > 0) {
            lastReadAt = conn.clock().nanoTime();
            reads++; // single writer
        }
        return n;
    }

    // ---- the reader thread ----

    private void readLoop() {
        H2Inbound inbound = new H2Inbound(this);
        IOException end;
        try {
            while (readFrame(inbound)) {
                // each frame went to its stream
            }
            end = new EOFException("the server closed the connection");
        } catch (H2Exception e) {
            fail(new H2StreamException(H2StreamException.Kind.PROTOCOL, 0, e.code(), e.getMessage(), e), e.code());
            return;
        } catch (IOException | RuntimeException e) {
            end = e instanceof IOException io ? io : new IOException(e);
        }
        fail(end, null);
    }

    /** Reads one frame; false at the end of the stream. A stream error resets that stream only. */
    private boolean readFrame(H2Inbound inbound) throws IOException {
        try {
            return reader.readFrame(inbound);
        } catch (H2Exception e) {
            if (e.isConnectionError()) {
                throw e;
            }
            inbound.streamError(e); // the frame was consumed: carry on (section 5.4.2)
            return true;
        }
    }

    // ---- slots, for the pool ----

    /** Whether new streams may open here: alive, no GOAWAY, ids left. */
    boolean usable() {
        lock.lock();
        try {
            return usableLocked();
        } finally {
            lock.unlock();
        }
    }

    private boolean usableLocked() {
        return failure == null && goAwayLastId < 0 && !exhausted;
    }

    /** The server's stream limit as it applies now. Under lock. */
    int maxStreams() {
        long m = peer.maxConcurrentStreams();
        if (m == Settings.UNLIMITED) {
            return peerSettingsReceived ? UNLIMITED_STREAMS : INITIAL_MAX_STREAMS;
        }
        return (int) Math.min(m, UNLIMITED_STREAMS);
    }

    /** Streams counted against the server's limit now. Under lock. */
    int slotsInUse() {
        return streams.size() + reserved + pendingResets;
    }

    /** Takes a slot for a stream about to open; false when the connection is full or takes no streams. */
    boolean tryReserve() {
        lock.lock();
        try {
            if (!usableLocked() || slotsInUse() >= maxStreams()) {
                return false;
            }
            reserved++;
            idleSince = 0;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a slot that {@link #tryReserve()} took and no stream used. */
    void unreserve() {
        lock.lock();
        try {
            reserved--;
            markIdleIfEmpty();
        } finally {
            lock.unlock();
        }
        events.capacity();
    }

    /** The server's stream limit as it applies now. */
    int streamLimit() {
        lock.lock();
        try {
            return maxStreams();
        } finally {
            lock.unlock();
        }
    }

    /** Streams open now (for gauges). */
    int openStreams() {
        lock.lock();
        try {
            return streams.size();
        } finally {
            lock.unlock();
        }
    }

    /** Notes when the connection became idle; one going away closes then (by the alarm: no I/O under lock). */
    private void markIdleIfEmpty() {
        if (streams.isEmpty() && reserved == 0 && idleSince == 0) {
            idleSince = conn.clock().nanoTime();
            if (!usableLocked()) {
                liveness.armLocked(idleSince, true);
            } else {
                liveness.armLocked(idleSince + options.idleTimeoutNanos(), options.idleTimeoutNanos() > 0);
            }
        }
    }

    /** Whether an idle connection should close now: it takes no new streams. Under lock. */
    boolean closeWhenIdle() {
        return failure == null && !usableLocked() && idleSince != 0;
    }

    // ---- streams: open, write, close ----

    /** Sends a stream's HEADERS (its slot was reserved): the stream gets the next id, in wire order. */
    void open(H2Stream s, FieldList fields, boolean endStream) throws IOException {
        try {
            lockForWrite(s);
        } catch (IOException | RuntimeException e) {
            unreserve(); // the caller's deadline passed, or it was cancelled, before its turn to write
            throw e;
        }
        int id;
        try {
            lock.lock();
            try {
                reserved--;
                if (!usableLocked()) {
                    markIdleIfEmpty();
                    throw new H2StreamException(H2StreamException.Kind.NOT_OPENED, 0, "the connection takes no new "
                            + "streams (" + (failure != null ? "closed" : goAwayLastId >= 0 ? "GOAWAY received" : "out of stream ids") + ")");
                }
                id = nextStreamId;
                nextStreamId += 2;
                exhausted = nextStreamId < 0 || nextStreamId > Frame.MAX_STREAM_ID;
                s.id = id;
                s.sendWindow = new FlowWindow(id, Math.max(0, peer.initialWindowSize()));
                s.recvWindow = new FlowWindow(id, options.streamWindow());
                s.localEnded = endStream;
                s.readsAtStart = reads;
                streams.put(id, s);
                lastStreamId = id;
                liveness.armLocked(s.alarmAt, s.alarmAt != 0); // armed before it was in the table
            } finally {
                lock.unlock();
            }
            beginWrite();
            writer.writeHeaders(id, encoder, fields, endStream);
            flushUnlessQueued();
            endWrite();
        } catch (H2StreamException e) {
            throw e;
        } catch (IOException e) {
            throw writeFailed(e);
        } finally {
            unlockWrite();
        }
        events.streamOpened(id);
    }

    /** Credit a stream may send now: its window, the connection's, one frame. Under lock. */
    int sendCredit(H2Stream s) {
        return Math.min(Math.min(s.sendWindow.available(), sendWindow.available()), peerMaxFrameSize);
    }

    /** Takes {@code n} bytes of the connection's send window (the stream's was taken by the caller). Under lock. */
    void takeSendCredit(int n) {
        sendWindow.take(n);
    }

    /** Writes one DATA frame whose credit the stream took. */
    void writeData(H2Stream s, byte[] b, int off, int n, boolean last) throws IOException {
        lockForWrite(s);
        boolean closedNow;
        try {
            closedNow = beforeSending(s, last, "the stream closed before the request body was sent");
            beginWrite();
            writer.writeData(s.id, b, off, n, last);
            flushUnlessQueued();
            endWrite();
        } catch (H2StreamException e) {
            throw e;
        } catch (IOException e) {
            throw writeFailed(e);
        } finally {
            unlockWrite();
        }
        if (closedNow) {
            events.capacity();
        }
    }

    /**
     * Before a frame of the request goes out, under the connection's lock: the stream must still be open (else
     * {@code closedMessage}); {@code end} marks our side ended. Returns whether that closed the stream (its slot
     * is free: the caller tells the pool once the frame is written).
     */
    private boolean beforeSending(H2Stream s, boolean end, String closedMessage) throws IOException {
        lock.lock();
        try {
            s.throwIfFailed();
            if (s.closed) {
                throw new H2StreamException(H2StreamException.Kind.ANSWERED_EARLY, s.id, closedMessage);
            }
            if (!end) {
                return false;
            }
            s.localEnded = true;
            return closeIfEnded(s);
        } finally {
            lock.unlock();
        }
    }

    /** Writes a stream's trailer section, HEADERS with END_STREAM (RFC 9113 section 8.1): the request's end. */
    void writeTrailers(H2Stream s, FieldList fields) throws IOException {
        lockForWrite(s);
        boolean closedNow;
        try {
            closedNow = beforeSending(s, true, "the stream closed before the request's trailers were sent");
            beginWrite();
            writer.writeHeaders(s.id, encoder, fields, true); // under writeLock: the encoder's order is the wire's
            flushUnlessQueued();
            endWrite();
        } catch (H2StreamException e) {
            throw e;
        } catch (IOException e) {
            throw writeFailed(e);
        } finally {
            unlockWrite();
        }
        if (closedNow) {
            events.capacity();
        }
    }

    /**
     * A stream that ended both ways no longer counts; returns whether it was closed now, in which case the
     * caller tells {@link Events#capacity()} once it has let go of the lock (a waiting call may take the slot).
     * Under lock.
     */
    boolean closeIfEnded(H2Stream s) {
        if (s.localEnded && s.remoteEnded && !s.closed) {
            removeStream(s);
            return true;
        }
        return false;
    }

    /** Takes a stream out of the table. Under lock. */
    void removeStream(H2Stream s) {
        s.closed = true;
        streams.remove(s.id);
        markIdleIfEmpty();
    }

    /**
     * Resets a stream that is still open, on the caller's thread (timeout, cancel, body closed early). When
     * nothing was read from the connection since the stream started, the server may be gone: a PING goes with
     * the reset and the stream keeps its slot until the ACK (Go's pendingResets, OkHttp's degraded connection).
     */
    boolean resetStream(H2Stream s, ErrorCode code) {
        boolean ping;
        lock.lock();
        try {
            if (s.id == 0 || s.closed || failure != null) {
                return false;
            }
            s.resetSent = true;
            removeStream(s);
            s.fail(new H2StreamException(H2StreamException.Kind.RESET, s.id, code, "stream reset by the client", null));
            ping = reads == s.readsAtStart && options.pingTimeoutNanos() > 0;
            if (ping) {
                pendingResets++;
            }
        } finally {
            lock.unlock();
        }
        sendRst(s.id, code);
        events.streamReset(s.id, false, code.code);
        if (ping) {
            liveness.ping("reset");
        } else {
            events.capacity();
        }
        return true;
    }

    /**
     * The server answered in full before the request body was sent (section 8.1): the stream is closed with
     * RST_STREAM CANCEL, keeping the response that came.
     */
    void abandonRequestBody(H2Stream s) {
        lock.lock();
        try {
            if (s.closed || failure != null) {
                return;
            }
            removeStream(s);
        } finally {
            lock.unlock();
        }
        sendRst(s.id, ErrorCode.CANCEL);
        events.streamReset(s.id, false, ErrorCode.CANCEL.code);
        events.capacity();
    }

    // ---- frames from the reader thread or the liveness check (control frames) ----

    void sendRst(int streamId, ErrorCode code) {
        control(() -> writer.writeRstStream(streamId, code));
    }

    void sendWindowUpdate(int streamId, int increment) {
        control(() -> writer.writeWindowUpdate(streamId, increment));
    }

    void sendPing(long data, boolean ack) {
        control(() -> writer.writePing(data, ack));
    }

    /** Applies the server's SETTINGS to the writer and encoder, then acknowledges them (section 6.5.3). */
    void ackSettings(Settings now, List<Long> tableSizes) {
        control(() -> {
            for (long size : tableSizes) {
                encoder.peerHeaderTableSize(size);
            }
            writer.maxFrameSize(now.maxFrameSize());
            writer.writeSettingsAck();
        });
    }

    private interface FrameOp {
        void write() throws IOException;
    }

    /** Writes a control frame and flushes; a failure ends the connection (nobody else is told here). */
    private void control(FrameOp op) {
        writeLock.lock();
        try {
            if (conn.isClosed()) {
                return;
            }
            beginWrite();
            op.write();
            flushUnlessQueued();
            endWrite();
        } catch (IOException e) {
            writeFailed(e);
        } finally {
            unlockWrite();
        }
    }

    /**
     * Takes the write lock for a caller: at once when free, else waiting no longer than the caller's alarm
     * instant (a writer blocked on a server that does not read holds it until the write deadline ends the
     * connection).
     */
    private void lockForWrite(H2Stream s) throws IOException {
        if (writeLock.tryLock()) {
            return;
        }
        try {
            waitForWriteLock(s);
        } catch (IOException | RuntimeException e) {
            // While this caller was queued, a holder may have left its frames unflushed for it to send.
            if (writeLock.tryLock()) {
                unlockWrite();
            } // else the holder now flushes them, or leaves them to a writer queued behind it
            throw e;
        }
    }

    /**
     * Flushes the buffered frames unless another writer is queued for the lock: that one will flush them with
     * its own frame, one socket write for both (at 64 callers most HEADERS then share a write). Whoever gives
     * up its turn instead flushes what it was left ({@link #lockForWrite}), so no frame stays buffered.
     * Under writeLock.
     */
    private void flushUnlessQueued() throws IOException {
        if (!writeLock.hasQueuedThreads()) {
            writer.flush();
        }
    }

    /**
     * Lets go of the write lock; frames still buffered (a writer that failed before its flush, or left for a
     * queued writer that gave up) are flushed first when no other writer is queued to do it.
     */
    private void unlockWrite() {
        try {
            if (out.buffered() > 0 && !writeLock.hasQueuedThreads() && !conn.isClosed()) {
                beginWrite();
                writer.flush();
                endWrite();
            }
        } catch (IOException e) {
            writeFailed(e);
        } finally {
            writeLock.unlock();
        }
    }

    private void waitForWriteLock(H2Stream s) throws IOException {
        while (true) {
            ReadAhead.Waiter w = s.waiter;
            if (w != null) {
                w.check();
            }
            long at = s.alarmAt;
            long wait = at == 0 ? TimeUnit.MILLISECONDS.toNanos(100) : Math.max(1, at - conn.clock().nanoTime());
            try {
                if (writeLock.tryLock(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (w != null) {
                    w.check();
                }
                throw new java.io.InterruptedIOException("interrupted while waiting to write");
            }
        }
    }

    /** A socket write that sits longer than the ping timeout means the server stopped reading: end it then. */
    private void beginWrite() {
        long t = options.pingTimeoutNanos();
        if (t > 0) {
            conn.setWriteDeadlineNanos(conn.clock().nanoTime() + t);
        }
    }

    private void endWrite() {
        if (options.pingTimeoutNanos() > 0) {
            conn.setWriteDeadlineNanos(0);
        }
    }

    private IOException writeFailed(IOException e) {
        IOException cause = conn.writeExpired()
                ? new ClientException(ClientException.Kind.IO, "connection #" + conn.id() + " stalled: a frame could "
                        + "not be written within the ping timeout (the server stopped reading)", e)
                : e;
        fail(cause, null);
        return new H2StreamException(H2StreamException.Kind.CONNECTION, 0, null, cause.getMessage(), cause);
    }

    // ---- the end ----

    /**
     * Ends the connection: every open stream fails with {@code cause} (as an {@link H2StreamException} of kind
     * CONNECTION), a GOAWAY with {@code code} is sent when given (a protocol error of the server's), and the
     * socket is closed. Idempotent: the first cause wins.
     */
    void fail(IOException cause, ErrorCode code) {
        List<H2Stream> open;
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            failure = cause;
            open = new ArrayList<>(streams.values());
            streams.clear();
            for (H2Stream s : open) {
                s.closed = true;
                s.fail(new H2StreamException(H2StreamException.Kind.CONNECTION, s.id, code, cause.getMessage(), cause));
            }
        } finally {
            lock.unlock();
        }
        if (code != null) {
            goAway(code, cause.getMessage());
            conn.close(); // a FIN after the GOAWAY, so the server can read why (RFC 9113 section 5.4.1)
        } else {
            conn.abort(); // the connection is lost or dead: nothing to say, nothing to wait for
        }
        events.closed(cause.getMessage());
        events.capacity();
    }

    /**
     * The client is closing: no new streams; the connection closes once its last stream ends (at once when it
     * has none).
     */
    void shutdown() {
        lock.lock();
        try {
            exhausted = true;
            idleSince = 0;
            markIdleIfEmpty(); // arms the alarm now when idle: it closes the connection
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes gracefully when no stream is open (idle timeout, client closed): GOAWAY NO_ERROR and a FIN.
     * Returns false, doing nothing, while streams are open or reserved.
     */
    boolean closeIfIdle(String reason) {
        lock.lock();
        try {
            if (failure != null) {
                return true;
            }
            if (!streams.isEmpty() || reserved > 0) {
                return false;
            }
            failure = new ClientException(ClientException.Kind.IO, "connection #" + conn.id() + " closed: " + reason, null);
        } finally {
            lock.unlock();
        }
        // Counted before the GOAWAY goes: the pool frees its place at once, and whoever reads the GOAWAY finds
        // the connection closed in the client's metrics.
        events.closed(reason);
        events.capacity();
        goAway(ErrorCode.NO_ERROR, reason);
        conn.close();
        return true;
    }

    private void goAway(ErrorCode code, String debug) {
        byte[] d = debug == null ? new byte[0] : debug.getBytes(StandardCharsets.UTF_8);
        byte[] trimmed = d.length <= 256 ? d : java.util.Arrays.copyOf(d, 256);
        int last = 0; // the server opens no streams here (no push)
        control(() -> writer.writeGoAway(last, code, trimmed));
    }

    /** The connection's alarm instant for a stream's waiting caller. */
    void armStream(long at) {
        // Most calls' instants come after the one armed already (the read-idle check, an earlier call's): no lock.
        if (at != 0 && !liveness.armedBy(at)) {
            lock.lock();
            try {
                liveness.armLocked(at, true);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "HTTP/2 connection #" + conn.id();
    }
}
