package io.hourglass.server;

import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.FrameWriter;
import io.hourglass.internal.h2.HpackEncoder;
import io.hourglass.internal.h2.Settings;
import io.hourglass.net.Conn;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>Work is handed over under the connection's lock: control frames go to the bounded {@link H2ControlQueue},
 * and a stream with something to send joins the ready queue. The writer plans an {@link H2Batch} under the
 * lock: all queued control frames, then at most one frame from each ready stream in turn (round robin, within
 * the stream's and the connection's send windows); then releases the lock, HPACK-encodes and writes the batch
 * with one flush, and takes the lock again to tell the streams what left and to plan the next batch. A stream
 * whose window is closed leaves the queue until a WINDOW_UPDATE brings it back, so a slow stream never holds up
 * the others. Each batch's socket write is bounded by the write timeout.
 */
final class H2Writer implements Runnable {
    private static final int BATCH_BYTES = 64 * 1024; // DATA per batch: control frames are never held up long
    /** How many batches a handler's thread writes at most before the writer thread takes over the rest. */
    private static final int HANDLER_BATCHES = 4;
    /**
     * The write buffer's own array, kept for the connection's life: a small response's frames (a /hello's
     * HEADERS and DATA are under 100 bytes) and the control frames go out from it without taking an array from
     * the shared pool and giving it back after every batch (a monitor each way, issue 17); a batch that
     * outgrows it takes a pooled array, given back when the writer role is released, so an idle connection
     * holds no more than this one (HTTP/1.1's connection keeps the same, see ServerConn).
     */
    private static final int SMALL_OUT = 256;

    private final H2Conn c;
    private final ReentrantLock lock;
    private final Condition work;
    private final Conn conn;
    private final OutBuffer out;
    private final FrameWriter frames;
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final H2Batch batch = new H2Batch(); // whoever holds the writer role

    // ---- guarded by lock ----
    final FlowWindow sendWindow = new FlowWindow(0, Frame.DEFAULT_WINDOW); // the client's window for our DATA
    private final H2ControlQueue control = new H2ControlQueue();
    private final ArrayDeque<H2Output> ready = new ArrayDeque<>();
    private final ArrayList<H2Output> connBlocked = new ArrayList<>(); // waiting for the connection window
    private int peerMaxFrame = Frame.DEFAULT_MAX_FRAME_SIZE;
    private long tableMin = -1;       // SETTINGS_HEADER_TABLE_SIZE news for the encoder: the smallest and the
    private long tableLast = -1;      // last value since the last header block, -1 when none (RFC 7541 section 4.2)
    private boolean streamsStopped;   // after a connection error: control frames only
    private boolean stopping;         // write what is queued, shut the output down, end
    private boolean ended;
    private Thread writing;           // the thread in the writer role, null when none
    private boolean interruptPending; // the writing handler was cancelled meanwhile: interrupt it when done
    private boolean outputDone;       // what the last release found: the output ended (read by the releasing thread)
    private int idleWakeups;          // the writer thread woke and found nothing to do (idleWakeups())

    H2Writer(H2Conn c) {
        this.c = c;
        this.lock = c.lock;
        this.work = lock.newCondition();
        this.conn = c.conn;
        this.out = new OutBuffer(this::sink, OutBuffer.POOLED_SIZE, SMALL_OUT);
        this.frames = new FrameWriter(out);
    }

    // ---- handing work over (callers hold the lock) ----

    void settings(Settings s) {
        queued(control.settings(s));
    }

    void settingsAck() {
        queued(control.settingsAck());
    }

    void ping(long data, boolean ack) {
        queued(control.ping(data, ack));
    }

    void windowUpdate(int streamId, int increment) {
        queued(control.windowUpdate(streamId, increment));
    }

    void rstStream(int streamId, ErrorCode code) {
        queued(control.rstStream(streamId, code));
    }

    void goAway(int lastStreamId, ErrorCode code, byte[] debug) {
        queued(control.goAway(lastStreamId, code, debug));
    }

    private void queued(boolean withinBound) {
        if (!withinBound) {
            c.controlQueueOverflow(); // the peer does not read: nothing more can reach it anyway
        }
        wake();
    }

    /** A stream has something to send: joins the ready queue, and the writer thread is told. */
    void schedule(H2Output o) {
        if (!o.inReady && !ended) {
            o.inReady = true;
            ready.addLast(o);
            wake();
        }
    }

    /**
     * Wakes the writer thread for work just queued, unless another thread holds the writer role: that one
     * takes the work, or {@link #release} wakes the writer thread for it. Waking the writer thread when it has
     * nothing to do costs a virtual thread's unpark, mount and park for nothing. Under the lock.
     */
    private void wake() {
        if (writing == null) {
            work.signal();
        }
    }

    /** As {@link #schedule}, for a caller that calls {@link #writeNow()} next: no thread needs waking. */
    void scheduleQuietly(H2Output o) {
        if (!o.inReady && !ended) {
            o.inReady = true;
            ready.addLast(o);
        }
    }

    /**
     * As {@link #scheduleQuietly}, for a handler's thread that writes its work itself: takes the writer role when
     * nobody holds it (under this same hold of the lock) and returns true; the caller then calls
     * {@link #writeClaimed()} once it has released the lock. Returns false when another writer is at work (it
     * takes the work, or {@link #release} wakes the writer thread for it): no thread needs waking either way.
     * Under the lock.
     */
    boolean scheduleAndClaim(H2Output o) {
        scheduleQuietly(o);
        return claim();
    }

    /** Takes the writer role for this thread when nobody holds it and there is work. Under the lock. */
    private boolean claim() {
        if (writing != null || ended || (ready.isEmpty() && control.isEmpty())) {
            return false;
        }
        writing = Thread.currentThread();
        return true;
    }

    /** For {@link H2Output#plan}: out of connection window; back when the client opens it. */
    void blockedOnConnection(H2Output o) {
        if (!o.connBlocked) {
            o.connBlocked = true;
            connBlocked.add(o);
        }
    }

    /** The connection's send window grew: the streams that waited for it may send again. */
    void connectionWindowOpened() {
        for (H2Output o : connBlocked) {
            o.connBlocked = false;
            schedule(o);
        }
        connBlocked.clear();
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

    int maxFrame() {
        return peerMaxFrame;
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

    /**
     * Whether the writer thread has nothing to do: the connection goes on, and another thread holds the writer
     * role or nothing is queued and no stop asked for. Under the lock.
     */
    private boolean writerThreadWaits() {
        return !ended && (writing != null || (!stopping && ready.isEmpty() && control.isEmpty()));
    }

    /** How often the writer thread was woken and found nothing to do (for tests: each costs a park and unpark). */
    int idleWakeups() {
        lock.lock();
        try {
            return idleWakeups;
        } finally {
            lock.unlock();
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
     * Writes, on a handler's thread that took the writer role with {@link #scheduleAndClaim} (not under the
     * lock), what it handed over and what else is ready, so no thread needs waking. Failures end the connection;
     * the handler learns of them from its stream.
     */
    void writeClaimed() {
        drain(HANDLER_BATCHES);
    }

    /**
     * Called by a handler's thread after it handed work over with {@link #scheduleQuietly} (not under the lock):
     * it writes the work itself when nobody holds the writer role, so no thread needs waking; otherwise the
     * writer at work takes it. Failures end the connection; the handler learns of them from its stream.
     */
    void writeNow() {
        boolean mine;
        lock.lock();
        try {
            mine = claim();
        } finally {
            lock.unlock();
        }
        if (mine) {
            drain(HANDLER_BATCHES);
        }
    }

    /** The connection's writer thread: writes when nobody else does, until the connection ends. */
    @Override
    public void run() {
        while (true) {
            lock.lock();
            try {
                while (writerThreadWaits()) {
                    work.awaitUninterruptibly(); // the writer thread is never interrupted: it only writes
                    if (writerThreadWaits()) {
                        idleWakeups++; // woken for nothing (or a spurious wake-up of the condition)
                    }
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

    /**
     * Writes batches until nothing is left (or {@code batches} were written: a handler's thread does not write
     * the others' responses for ever), in the writer role; then gives the role up. After each batch, one hold of
     * the lock both tells the streams what left and plans the next. Returns false when the connection's output
     * is done (stopped, or failed).
     */
    private boolean drain(int batches) {
        try {
            if (!planned()) {
                return !outputDone;
            }
            for (int n = 1; true; n++) {
                write(batch);
                if (!writtenAndNext(n < batches)) {
                    return !outputDone;
                }
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

    /** Plans the first batch; with nothing to write, gives the role up and returns false. */
    private boolean planned() {
        lock.lock();
        try {
            return planOrRelease(true);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the streams what left, then plans the next batch when {@code more} batches may be written; otherwise,
     * or when there is nothing to write, gives the role up (the writer thread takes what is left) and returns
     * false.
     */
    private boolean writtenAndNext(boolean more) {
        lock.lock();
        try {
            written(batch);
            batch.clear();
            return planOrRelease(more);
        } finally {
            lock.unlock();
        }
    }

    /** Plans the next batch when {@code more}; when not, or when it is empty, gives the role up. Under the lock. */
    private boolean planOrRelease(boolean more) {
        if (more) {
            plan(batch);
            if (!batch.isEmpty()) {
                return true;
            }
        }
        release();
        return false;
    }

    /** Gives the writer role up with nothing left to write. Under the lock. Returns false when output is done. */
    private boolean release() {
        writing = null;
        out.release(); // an idle connection holds no write buffer but its small array
        if (interruptPending) {
            interruptPending = false;
            Thread.currentThread().interrupt(); // a cancellation that came while this handler wrote
        }
        if (stopping && !ended && control.isEmpty() && (ready.isEmpty() || streamsStopped)) {
            ended = true;
            conn.shutdownOutput(); // FIN after the last frame: the client sees the GOAWAY, then the end
        }
        if (!writerThreadWaits()) {
            work.signal(); // the writer thread, for work that came while the role was taken, or to end
        }
        outputDone = ended;
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

    /** Takes the next batch: the control frames, then one frame of each ready stream in turn. Under the lock. */
    private void plan(H2Batch b) {
        byte[] queued = control.take();
        if (queued != null) {
            b.control = queued;
            b.controlLen = control.takenLength();
        }
        b.maxFrame = peerMaxFrame;
        if (streamsStopped) {
            ready.clear();
            return;
        }
        int budget = BATCH_BYTES;
        for (int n = ready.size(); n > 0 && budget > 0; n--) {
            H2Output o = ready.pollFirst();
            o.inReady = false;
            budget -= o.plan(b, this);
        }
        if (b.size > 0 && tableLast >= 0) {
            // A new table size applies from the next header block the encoder writes (RFC 7541 section 4.2).
            b.tableMin = tableMin;
            b.tableLast = tableLast;
            tableMin = -1;
            tableLast = -1;
        }
    }

    private void write(H2Batch b) throws IOException {
        long wt = c.cfg.writeTimeout().toNanos();
        if (wt > 0) {
            conn.setWriteDeadlineNanos(c.clock.nanoTime() + wt);
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
            int id = b.streams[i].id;
            if (b.fields[i] != null) {
                frames.writeHeaders(id, encoder, b.fields[i], b.end[i]);
            } else {
                frames.writeData(id, b.data[i], b.off[i], b.len[i], b.end[i]);
            }
        }
        out.flush();
        conn.flush();
        if (wt > 0) {
            conn.setWriteDeadlineNanos(0);
        }
    }

    /** After a batch went out: tells each stream what left, keeps the control array for reuse. Under the lock. */
    private void written(H2Batch b) {
        if (b.control != null) {
            control.giveBack(b.control);
        }
        for (int i = 0; i < b.size; i++) {
            b.streams[i].out.written(b.fields[i] != null, b.fields[i] == null ? b.len[i] : 0, b.end[i], b.interim[i]);
        }
    }

    private void sink(byte[] b, int off, int len) throws IOException {
        conn.write(b, off, len);
    }
}
