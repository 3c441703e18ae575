package io.hourglass.server;

import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.FrameWriter;
import io.hourglass.internal.h2.HpackEncoder;
import io.hourglass.internal.h2.Settings;
import io.hourglass.net.Conn;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes to an HTTP/2 connection's socket, one batch at a time, under a writer role that one thread holds at a
 * time: a handler's thread that has just handed its response over writes it (and whatever else is ready) at
 * once, without waking anyone; the connection's writer thread writes when nobody else does (control frames of
 * the reading thread, streams whose window opened, the timer's answers). The reading thread never writes: it
 * must never block on a peer that does not read, or it would stop reading the WINDOW_UPDATEs that unblock us.
 * A handler that writes to the socket is never interrupted meanwhile (an interrupted virtual thread in a socket
 * write closes the socket): a cancellation that comes then is delivered when its write is done
 * ({@link #interrupt}).
 *
 * <p>Work is handed over under the connection's lock: control frames (SETTINGS, PING, WINDOW_UPDATE,
 * RST_STREAM, GOAWAY) are serialized at once into a bounded buffer ({@value #MAX_CONTROL_FRAMES} frames: a peer
 * that never reads cannot grow it further, Go's bound), and a stream with something to send joins the ready
 * queue. The writer plans a batch under the lock: all queued control frames, then at most one frame from each
 * ready stream in turn (round robin, within the stream's and the connection's send windows); then releases
 * the lock, HPACK-encodes and writes the batch with one flush, and takes the lock again to tell the streams
 * what left. A stream whose window is closed leaves the queue until a WINDOW_UPDATE brings it back, so a slow
 * stream never holds up the others. Each batch's socket write is bounded by the write timeout.
 */
final class H2Writer implements Runnable {
    /** The most control frames queued while the socket does not take them (Go's maxQueuedControlFrames). */
    static final int MAX_CONTROL_FRAMES = 10_000;
    private static final int BATCH_BYTES = 64 * 1024; // DATA per batch: control frames are never held up long

    private final H2Conn c;
    private final ReentrantLock lock;
    private final Condition work;
    private final Conn conn;
    private final OutBuffer out;
    private final FrameWriter frames;
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final Batch batch = new Batch(); // whoever holds the writer role

    // ---- guarded by lock ----
    final FlowWindow sendWindow = new FlowWindow(0, Frame.DEFAULT_WINDOW); // the client's window for our DATA
    private byte[] control = new byte[128];
    private int controlLen;
    private int controlFrames;
    private byte[] spareControl;
    private final ArrayDeque<H2Stream> ready = new ArrayDeque<>();
    private final ArrayList<H2Stream> connBlocked = new ArrayList<>(); // waiting for the connection window
    private int peerMaxFrame = Frame.DEFAULT_MAX_FRAME_SIZE;
    private long tableMin = -1;       // SETTINGS_HEADER_TABLE_SIZE news for the encoder: the smallest and the
    private long tableLast = -1;      // last value since the last batch, -1 when none (RFC 7541 section 4.2)
    private boolean streamsStopped;   // after a connection error: control frames only
    private boolean stopping;         // write what is queued, shut the output down, end
    private boolean ended;
    private Thread writing;           // the thread in the writer role, null when none
    private boolean interruptPending; // the writing handler was cancelled meanwhile: interrupt it when done

    H2Writer(H2Conn c) {
        this.c = c;
        this.lock = c.lock;
        this.work = lock.newCondition();
        this.conn = c.conn;
        this.out = new OutBuffer(this::sink, OutBuffer.POOLED_SIZE);
        this.frames = new FrameWriter(out);
    }

    // ---- handing work over (callers hold the lock) ----

    void settings(Settings s) {
        int n = 0;
        for (int id = 1; id <= 6; id++) {
            n += s.value(id) != Settings.DEFAULTS.value(id) ? 1 : 0;
        }
        header(6 * n, Frame.SETTINGS, 0, 0);
        for (int id = 1; id <= 6; id++) {
            long v = s.value(id);
            if (v != Settings.DEFAULTS.value(id)) {
                put16(id);
                put32((int) v);
            }
        }
        queued();
    }

    void settingsAck() {
        header(0, Frame.SETTINGS, Frame.FLAG_ACK, 0);
        queued();
    }

    void ping(long data, boolean ack) {
        header(8, Frame.PING, ack ? Frame.FLAG_ACK : 0, 0);
        put32((int) (data >>> 32));
        put32((int) data);
        queued();
    }

    void windowUpdate(int streamId, int increment) {
        header(4, Frame.WINDOW_UPDATE, 0, streamId);
        put32(increment);
        queued();
    }

    void rstStream(int streamId, ErrorCode code) {
        header(4, Frame.RST_STREAM, 0, streamId);
        put32(code.code);
        queued();
    }

    void goAway(int lastStreamId, ErrorCode code, byte[] debug) {
        header(8 + debug.length, Frame.GOAWAY, 0, 0);
        put32(lastStreamId);
        put32(code.code);
        room(debug.length);
        System.arraycopy(debug, 0, control, controlLen, debug.length);
        controlLen += debug.length;
        queued();
    }

    /** A stream has something to send: joins the ready queue, and the writer thread is told. */
    void schedule(H2Stream s) {
        if (!s.inReady && !ended) {
            s.inReady = true;
            ready.addLast(s);
            work.signal();
        }
    }

    /** As {@link #schedule}, for a caller that calls {@link #writeNow()} next: no thread needs waking. */
    void scheduleQuietly(H2Stream s) {
        if (!s.inReady && !ended) {
            s.inReady = true;
            ready.addLast(s);
        }
    }

    /**
     * The client's SETTINGS changed what we may send: the largest frame, and the HPACK table size (the smallest
     * and the last value of its SETTINGS_HEADER_TABLE_SIZE entries, -1 when none).
     */
    void peerSettings(int maxFrameSize, long tableSizeMin, long tableSizeLast) {
        peerMaxFrame = maxFrameSize;
        if (tableSizeLast >= 0) {
            tableMin = tableMin < 0 ? tableSizeMin : Math.min(tableMin, tableSizeMin);
            tableLast = tableSizeLast;
        }
    }

    /** The connection's send window grew: the streams that waited for it may send again. */
    void connectionWindowOpened() {
        for (H2Stream s : connBlocked) {
            s.connBlocked = false;
            schedule(s);
        }
        connBlocked.clear();
    }

    /** After a connection error: no more stream frames, only what is queued (the GOAWAY), then the end. */
    void stopStreams() {
        streamsStopped = true;
        stop();
    }

    /** Writes what is queued, shuts the output down (FIN) and ends. */
    void stop() {
        stopping = true;
        work.signalAll();
    }

    /** The socket is gone: ends without writing. */
    void abandon() {
        ended = true;
        work.signalAll();
    }

    /** Control frames queued and not yet taken by a batch (for tests and the queue bound). */
    int queuedControlFrames() {
        return controlFrames;
    }

    private void queued() {
        if (++controlFrames > MAX_CONTROL_FRAMES) {
            c.controlQueueOverflow(); // the peer does not read: nothing more can reach it anyway
        }
        work.signal();
    }

    private void header(int length, int type, int flags, int streamId) {
        room(Frame.HEADER_LENGTH + 8);
        byte[] b = control;
        int p = controlLen;
        b[p] = (byte) (length >>> 16);
        b[p + 1] = (byte) (length >>> 8);
        b[p + 2] = (byte) length;
        b[p + 3] = (byte) type;
        b[p + 4] = (byte) flags;
        controlLen = p + 5;
        put32(streamId);
    }

    private void put16(int v) {
        room(2);
        control[controlLen++] = (byte) (v >>> 8);
        control[controlLen++] = (byte) v;
    }

    private void put32(int v) {
        room(4);
        byte[] b = control;
        int p = controlLen;
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        controlLen = p + 4;
    }

    private void room(int n) {
        if (control.length - controlLen < n) {
            control = Arrays.copyOf(control, Math.max(controlLen + n, 2 * control.length));
        }
    }

    /**
     * Interrupts a handler's thread (a cancellation), or, when that thread is writing to the socket, as soon
     * as its write is done. Under the lock.
     */
    void interrupt(Thread t) {
        if (t == writing) {
            interruptPending = true;
        } else {
            t.interrupt();
        }
    }

    // ---- writing ----

    /**
     * Called by a handler's thread right after it handed work over (not under the lock): it writes the work
     * itself when nobody holds the writer role, so no thread needs waking; otherwise the writer at work takes
     * it. Failures end the connection; the handler learns of them from its stream.
     */
    void writeNow() {
        lock.lock();
        try {
            if (writing != null || ended || (ready.isEmpty() && controlLen == 0)) {
                return;
            }
            writing = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        drain(HANDLER_BATCHES);
    }

    /** How many batches a handler's thread writes at most before the writer thread takes over the rest. */
    private static final int HANDLER_BATCHES = 4;

    /** The connection's writer thread: writes when nobody else does, until the connection ends. */
    @Override
    public void run() {
        while (true) {
            lock.lock();
            try {
                while (!ended && (writing != null || (!stopping && !hasWork()))) {
                    work.awaitUninterruptibly(); // the writer thread is never interrupted: it only writes
                }
                if (ended) {
                    return;
                }
                writing = Thread.currentThread();
            } finally {
                lock.unlock();
            }
            if (!drain(Integer.MAX_VALUE)) {
                return;
            }
        }
    }

    private boolean hasWork() {
        return controlLen > 0 || !ready.isEmpty();
    }

    /**
     * Writes batches until nothing is left (or {@code batches} were written: a handler's thread does not write
     * the others' responses for ever), in the writer role; then gives the role up. Returns false when the
     * connection's output is done (stopped, or failed).
     */
    private boolean drain(int batches) {
        try {
            for (int n = 0; ; n++) {
                lock.lock();
                try {
                    if (n == batches) {
                        return release(); // the writer thread takes the rest
                    }
                    plan(batch);
                    if (batch.isEmpty()) {
                        return release();
                    }
                } finally {
                    lock.unlock();
                }
                write(batch);
                lock.lock();
                try {
                    written(batch);
                } finally {
                    lock.unlock();
                }
                batch.clear();
            }
        } catch (IOException e) {
            failed();
            c.writeFailed(e);
            return false;
        } catch (RuntimeException e) {
            failed();
            c.writeFailed(new IOException("HTTP/2 writer failed", e));
            throw e;
        }
    }

    /** Gives the writer role up with nothing left to write. Under the lock. Returns false when output is done. */
    private boolean release() {
        writing = null;
        out.release(); // an idle connection holds no write buffer
        if (interruptPending) {
            interruptPending = false;
            Thread.currentThread().interrupt(); // a cancellation that came while this handler wrote
        }
        if (stopping && !ended) {
            ended = true;
            conn.shutdownOutput(); // FIN after the last frame: the client sees the GOAWAY, then the end
        }
        work.signalAll(); // the writer thread, if work came while the role was taken
        return !ended;
    }

    private void failed() {
        lock.lock();
        try {
            ended = true;
            writing = null;
            if (interruptPending) {
                interruptPending = false;
                Thread.currentThread().interrupt();
            }
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void plan(Batch b) {
        if (controlLen > 0) {
            b.control = control;
            b.controlLen = controlLen;
            control = spareControl != null ? spareControl : new byte[128];
            spareControl = null;
            controlLen = 0;
            controlFrames = 0;
        }
        b.maxFrame = peerMaxFrame;
        if (streamsStopped) {
            ready.clear();
            return;
        }
        int budget = BATCH_BYTES;
        for (int n = ready.size(); n > 0 && budget > 0; n--) {
            H2Stream s = ready.pollFirst();
            s.inReady = false;
            budget -= s.plan(b, this);
        }
        if (b.size > 0 && tableLast >= 0) {
            // A new table size applies from the next header block the encoder writes (RFC 7541 section 4.2).
            b.tableMin = tableMin;
            b.tableLast = tableLast;
            tableMin = -1;
            tableLast = -1;
        }
    }

    /** For {@link H2Stream#plan}: the stream is out of stream window; it comes back on a WINDOW_UPDATE. */
    void blockedOnConnection(H2Stream s) {
        if (!s.connBlocked) {
            s.connBlocked = true;
            connBlocked.add(s);
        }
    }

    int maxFrame() {
        return peerMaxFrame;
    }

    private void write(Batch b) throws IOException {
        long wt = c.cfg.writeTimeout().toNanos();
        if (wt > 0) {
            conn.setWriteDeadlineNanos(System.nanoTime() + wt);
        }
        if (b.tableLast >= 0) {
            encoder.peerHeaderTableSize(b.tableMin);
            encoder.peerHeaderTableSize(b.tableLast);
        }
        frames.maxFrameSize(b.maxFrame);
        if (b.controlLen > 0) {
            out.write(b.control, 0, b.controlLen);
        }
        for (int i = 0; i < b.size; i++) {
            H2Stream s = b.streams[i];
            if (b.fields[i] != null) {
                frames.writeHeaders(s.id, encoder, b.fields[i], b.end[i]);
            } else {
                frames.writeData(s.id, b.data[i], b.off[i], b.len[i], b.end[i]);
            }
        }
        out.flush();
        conn.flush();
        if (wt > 0) {
            conn.setWriteDeadlineNanos(0);
        }
    }

    /** After a batch went out: tells each stream what left, keeps the control buffer for reuse. Under the lock. */
    private void written(Batch b) {
        if (b.control != null && spareControl == null && b.control.length <= 4096) {
            spareControl = b.control;
        }
        for (int i = 0; i < b.size; i++) {
            b.streams[i].written(b.fields[i] != null, b.fields[i] == null ? b.len[i] : 0, b.end[i], b.interim[i]);
        }
    }

    private void sink(byte[] b, int off, int len) throws IOException {
        conn.write(b, off, len);
    }

    /** The frames of one write: control bytes, then stream frames in order. Reused; writer thread only. */
    static final class Batch {
        byte[] control;
        int controlLen;
        long tableMin = -1;
        long tableLast = -1;
        int maxFrame;
        int size;
        H2Stream[] streams = new H2Stream[16];
        FieldList[] fields = new FieldList[16];   // HEADERS when not null, else DATA
        byte[][] data = new byte[16][];
        int[] off = new int[16];
        int[] len = new int[16];
        boolean[] end = new boolean[16];
        boolean[] interim = new boolean[16];      // a 1xx HEADERS (100 Continue)

        boolean isEmpty() {
            return controlLen == 0 && size == 0;
        }

        void headers(H2Stream s, FieldList f, boolean endStream, boolean isInterim) {
            int i = next(s);
            fields[i] = f;
            end[i] = endStream;
            interim[i] = isInterim;
        }

        void data(H2Stream s, byte[] b, int o, int n, boolean endStream) {
            int i = next(s);
            data[i] = b;
            off[i] = o;
            len[i] = n;
            end[i] = endStream;
        }

        private int next(H2Stream s) {
            if (size == streams.length) {
                int n = size * 2;
                streams = Arrays.copyOf(streams, n);
                fields = Arrays.copyOf(fields, n);
                data = Arrays.copyOf(data, n);
                off = Arrays.copyOf(off, n);
                len = Arrays.copyOf(len, n);
                end = Arrays.copyOf(end, n);
                interim = Arrays.copyOf(interim, n);
            }
            streams[size] = s;
            return size++;
        }

        void clear() {
            Arrays.fill(streams, 0, size, null);
            Arrays.fill(fields, 0, size, null);
            Arrays.fill(data, 0, size, null);
            Arrays.fill(interim, 0, size, false);
            size = 0;
            controlLen = 0;
            control = null;
            tableMin = -1;
            tableLast = -1;
        }
    }
}
