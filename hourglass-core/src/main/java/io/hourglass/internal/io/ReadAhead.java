package io.hourglass.internal.io;

import io.hourglass.net.Conn;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reader thread and a bounded hand-off: a virtual thread reads a connection ahead of the one thread that
 * consumes its bytes. A blocked socket read can only be woken by closing the socket; with the reads on a
 * thread of their own, the consumer waits parked, where a timer or another thread can wake it without harm
 * to the connection, and somebody sees the peer leave while the consumer does not read.
 *
 * <p>Two uses, two modes:
 * <ul>
 *   <li>{@link #eager}: the client connection's reader (TLS connections, every one before JDK 25, and on JDK 25+
 *       a plaintext one once its origin has others; an origin's only plaintext connection is read on the
 *       caller's thread, see {@link ChannelIo}), from the connection's start, or its move, to its end of stream.
 *       The caller of a call waits untimed in {@link #read} and the connection's alarm wakes it at its
 *       deadline ({@link #wake}); under DRAIN the connection lives on after a timeout. The reader also sees at
 *       once a pooled connection that the server closed. It keeps a 64 KiB buffer for the connection's life.</li>
 *   <li>{@link #lazy}: the server's disconnect watch. The connection's own thread reads directly (no hand-off
 *       on the hot path); while a handler runs ({@link #activate}) the server may {@link #start} the reader,
 *       which from then on reads whenever the handler does not, keeps the bytes (body, or a pipelined next
 *       request) and reports the end of the stream. Its memory follows what arrives: a 512-byte probe while it
 *       waits, a hand-off buffer only for bytes not taken yet, dropped as soon as it is empty (issue 9). It
 *       reads with a {@value #POLL_MILLIS} ms socket timeout, so it ends that long at most after
 *       {@link #deactivate}, or at once when bytes arrive: an idle connection keeps one thread.</li>
 * </ul>
 *
 * <p>Threads: one consumer calls {@link #read} (and in lazy mode {@link #activate}/{@link #deactivate});
 * {@link #wake} and {@link #connectionClosed} may be called from any thread, the timer's included.
 */
public final class ReadAhead {
    static final int POLL_MILLIS = 100;
    private static final int MAX_BYTES = 64 * 1024; // the most bytes read ahead of the consumer

    /** What the reader thread tells its owner, on the reader thread. */
    public interface Events {
        /** Bytes arrived; false refuses them, which ends the stream with an error. Under the lock: decide only. */
        default boolean accept() {
            return true;
        }

        /**
         * The stream ended: {@code err} is null at a clean end of stream. Under the lock, before the consumer
         * can see the end: decide only.
         *
         * @param active whether the owner still wanted reading ahead (a handler still ran)
         */
        default void ending(IOException err, boolean active) {}

        /** The reader thread is about to end (any reason); not under the lock: act here. */
        default void ended() {}
    }

    /** Says when a waiting consumer must stop waiting: throws on a passed deadline or a cancellation. */
    public interface Waiter {
        void check() throws IOException;
    }

    private final Conn conn;
    private final Events events;
    private final boolean lazy;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition(); // the reader waits here for room or a direct read's end
    // Written under the lock by the consumer only, which reads it without the lock on its fast path.
    private boolean active;
    // Whether the consumer's reads go through the hand-off. Written under the lock; volatile because the
    // consumer's fast path and the tests' hooks read it without the lock.
    private volatile boolean handOff;
    private boolean running;           // guarded by lock: the reader thread has not ended
    private boolean directReading;     // guarded by lock: the consumer reads the socket itself
    private byte[] pending;            // guarded by lock; lazy mode: null when empty, sized to what arrived
    private int pos, len;              // guarded by lock
    private boolean eof;               // guarded by lock
    private IOException error;         // guarded by lock
    // The consumer parked in read; volatile because the reader thread, the timer and a cancelling thread
    // read it to unpark it without the lock.
    private volatile Thread waiter;

    private ReadAhead(Conn conn, Events events, boolean lazy) {
        this.conn = conn;
        this.events = events;
        this.lazy = lazy;
    }

    /** A reader that starts now and reads until the end of the stream: the client connection's. */
    public static ReadAhead eager(Conn conn, Events events, String threadName) {
        ReadAhead r = new ReadAhead(conn, events, false);
        r.pending = new byte[MAX_BYTES];
        r.active = true;
        r.handOff = true;
        r.running = true;
        Thread.ofVirtual().name(threadName).start(r::run);
        return r;
    }

    /** A reader started on demand while the owner is {@link #activate active}: the server's disconnect watch. */
    public static ReadAhead lazy(Conn conn, Events events) {
        return new ReadAhead(conn, events, true);
    }

    // ---- the consumer's side ----

    /**
     * Reads bytes the reader thread handed over, waiting parked for them; or, in lazy mode when no reader
     * runs and nothing is left over, reads the socket directly.
     *
     * @param w checked before bytes are handed over and before parking (a passed deadline must not be
     *     extended by bytes that came while the consumer ran late); null for none
     * @return the bytes read, or -1 at the end of the stream
     * @throws InterruptedIOException when the consumer's thread is interrupted while it waits
     * @throws IOException the stream's error, or what {@code w} throws
     */
    public int read(byte[] b, int off, int n, Waiter w) throws IOException {
        if (handOff) {
            return handedRead(b, off, n, w);
        }
        return active ? guardedRead(b, off, n, w) : conn.read(b, off, n);
    }

    /** Whether a read now takes the direct fast path: no owner activity and nothing handed off. */
    public boolean direct() {
        return !handOff && !active;
    }

    /** A direct read while the owner is active: a reader starting meanwhile waits until it is over. */
    private int guardedRead(byte[] b, int off, int n, Waiter w) throws IOException {
        boolean viaHandOff;
        lock.lock();
        try {
            viaHandOff = handOff; // a reader started meanwhile
            directReading = !viaHandOff;
        } finally {
            lock.unlock();
        }
        if (viaHandOff) {
            return handedRead(b, off, n, w);
        }
        try {
            return conn.read(b, off, n);
        } finally {
            lock.lock();
            try {
                directReading = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private int handedRead(byte[] b, int off, int n, Waiter w) throws IOException {
        while (true) {
            check(w);
            int got = take(b, off, n);
            if (got != 0) {
                return got;
            }
            if (!handOff) {
                return active ? guardedRead(b, off, n, w) : conn.read(b, off, n); // the reader ended, all taken
            }
            check(w); // again, now that the waiter is set, so that a wake from here on unparks it
            if (Thread.currentThread().isInterrupted()) {
                // park returns at once while the flag is set: never spin on it (issue 13)
                waiter = null;
                throw new InterruptedIOException("interrupted while waiting for the peer's bytes");
            }
            LockSupport.park(this);
        }
    }

    private void check(Waiter w) throws IOException {
        if (w == null) {
            return;
        }
        try {
            w.check();
        } catch (IOException e) {
            waiter = null;
            throw e;
        }
    }

    /**
     * Takes handed-over bytes: their count, -1 at the end, or 0 with the waiter set (or the hand-off over).
     * The handed-over error is thrown again by every later read: a stream that failed stays failed.
     */
    private int take(byte[] b, int off, int n) throws IOException {
        lock.lock();
        try {
            int live = len - pos;
            if (live > 0) {
                int k = Math.min(live, n);
                System.arraycopy(pending, pos, b, off, k);
                pos += k;
                if (pos == len) {
                    emptied();
                }
                changed.signalAll();
                waiter = null;
                return k;
            }
            if (eof) {
                waiter = null;
                if (error != null) {
                    throw error;
                }
                return -1;
            }
            if (!running) {
                handOff = false; // the lazy reader ended and everything is taken: read directly again
                waiter = null;
                return 0;
            }
            waiter = Thread.currentThread();
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /** The buffer was emptied: the lazy mode hands its memory back (an idle connection holds none). */
    private void emptied() {
        pos = 0;
        len = 0;
        if (lazy) {
            pending = null;
        }
    }

    /** Wakes a parked consumer, which re-checks its deadlines; from any thread, the timer's included. */
    public void wake() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Whether nothing is pending, no end of stream was seen, and the connection is open. */
    public boolean emptyAndOpen() {
        lock.lock();
        try {
            return !eof && len == pos && !conn.isClosed();
        } finally {
            lock.unlock();
        }
    }

    /** The connection was closed: a reader waiting for room ends. */
    public void connectionClosed() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the lazy mode's owner ----

    /** The owner wants reading ahead (a handler runs): {@link #start} may start the reader. */
    public void activate() {
        lock.lock();
        try {
            active = true;
        } finally {
            lock.unlock();
        }
    }

    /** The owner reads for itself again (the handler returned): the reader ends within a poll interval. */
    public void deactivate() {
        lock.lock();
        try {
            active = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Starts the reader if the owner is active and none runs; false when it did not. Any thread. */
    public boolean start(String threadName) {
        lock.lock();
        try {
            if (!active || handOff || conn.isClosed()) {
                return false;
            }
            handOff = true;
            running = true;
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name(threadName).start(this::run);
        return true;
    }

    // ---- the reader thread ----

    private void run() {
        byte[] scratch = new byte[lazy ? 512 : 16 * 1024];
        if (lazy) {
            pollEvery(POLL_MILLIS);
        }
        try {
            while (true) {
                int room = awaitRoom();
                if (room < 0) {
                    return;
                }
                byte[] got = scratch;
                int n;
                IOException err = null;
                try {
                    int ready = lazy ? readyBytes() : 0;
                    got = ready > scratch.length ? new byte[Math.min(ready, room)] : scratch;
                    n = room == 0 ? -1 : conn.read(got, 0, Math.min(got.length, room));
                } catch (DeadlineExceededException e) {
                    n = -1; // a read deadline passed: the end, and the consumer gets the timeout
                    err = e;
                } catch (SocketTimeoutException e) {
                    n = 0; // the poll interval passed: look at the owner again
                } catch (IOException e) {
                    n = -1;
                    err = e;
                }
                if (!handOver(got, n, err)) {
                    return;
                }
            }
        } finally {
            finish();
            events.ended();
        }
    }

    /** Waits for room: the room, 0 when the connection closed with the buffer full, -1 when the owner is done. */
    private int awaitRoom() {
        lock.lock();
        try {
            while (active && (directReading || len - pos == MAX_BYTES) && !conn.isClosed()) {
                changed.awaitUninterruptibly();
            }
            if (!active) {
                return -1; // the owner reads for itself again
            }
            return MAX_BYTES - (len - pos);
        } finally {
            lock.unlock();
        }
    }

    /** Hands {@code n} bytes (or the end, n < 0) over and wakes the consumer; false when the reader ends. */
    private boolean handOver(byte[] got, int n, IOException err) {
        boolean more;
        lock.lock();
        try {
            if (n > 0 && !events.accept()) {
                eof = true; // bytes nobody asked for: never hand them over
                error = new EOFException("unexpected bytes on an idle connection");
                more = false;
            } else if (n > 0) {
                append(got, n);
                changed.signalAll();
                more = active; // lazy: the handler returned, so the owner reads for itself again
            } else if (n < 0) {
                eof = true;
                error = err;
                events.ending(err, active);
                more = false;
            } else {
                more = true;
            }
        } finally {
            lock.unlock();
        }
        if (n != 0) {
            wake();
        }
        return more;
    }

    /** Adds bytes to the hand-off buffer, growing it to fit (lazy mode) or compacting it. Under the lock. */
    private void append(byte[] b, int n) {
        int live = len - pos;
        if (pending == null || pending.length < live + n) {
            byte[] grown = new byte[Math.min(MAX_BYTES, Math.max(live + n, 2 * live))];
            if (live > 0) {
                System.arraycopy(pending, pos, grown, 0, live);
            }
            pending = grown;
            pos = 0;
            len = live;
        } else if (pending.length - len < n) {
            System.arraycopy(pending, pos, pending, 0, live);
            pos = 0;
            len = live;
        }
        System.arraycopy(b, 0, pending, len, n);
        len += n;
    }

    private void finish() {
        if (lazy) {
            pollEvery(0); // before the owner may read directly again
        }
        lock.lock();
        try {
            running = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        wake();
    }

    /**
     * Sets the socket's read timeout for the lazy reader, 0 to clear it. A blocked read cannot be woken without
     * closing the socket, so the lazy reader reads with a timeout (which leaves the socket usable, TLS
     * included: the JDK keeps a partly read record across it) to see that its owner is done.
     */
    private void pollEvery(int millis) {
        try {
            conn.socket().setSoTimeout(millis);
        } catch (SocketException e) {
            // closed: the read reports it
        }
    }

    /** How many bytes a read would return at once; 0 when unknown (the read that follows tells why). */
    private int readyBytes() {
        try {
            return conn.socket().getInputStream().available();
        } catch (IOException e) {
            return 0; // e.g. the input was shut down by a read deadline: the read reports the timeout
        }
    }

    // ---- for tests ----

    /** Whether reads go through the hand-off (a reader runs, or left bytes). */
    public boolean handingOff() {
        return handOff;
    }

    /** Whether the reader thread is running. */
    public boolean running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** The size of the hand-off buffer, 0 when there is none. */
    public int bufferBytes() {
        lock.lock();
        try {
            return pending == null ? 0 : pending.length;
        } finally {
            lock.unlock();
        }
    }
}
