package io.hourglass.client;

import io.hourglass.internal.h1.H1Parser;
import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.net.Conn;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection: the socket, its codec buffers, and a reader thread.
 *
 * <p><b>Why a reader thread.</b> Under {@link TimeoutPolicy#DRAIN} a caller's deadline must wake the caller
 * without killing the connection, and a blocked socket read cannot be woken without closing the socket. So a
 * virtual thread per connection does the socket reads and hands the bytes over ({@link #pull}); the caller
 * waits untimed and the shared timer's alarm wakes it at its deadline. The connection then lives on: a
 * drainer reads the late response from the same hand-off. The reader also notices at once when the server
 * closes an idle pooled connection, which is the liveness check before reuse.
 */
final class ClientConn {
    static final int IDLE = 0, ACTIVE = 1, DRAINING = 2, CLOSED = 3;
    private static final int CAPACITY = 64 * 1024;

    /** Whoever consumes the connection's bytes now (a call or a drain): says when waiting must stop. */
    interface Reader {
        /** Throws when the reader's deadline has passed or it was cancelled. */
        void check() throws IOException;
    }

    final Conn conn;
    final Pool pool;
    final InBuffer in;
    final OutBuffer out;
    final H1Parser parser;
    int uses;                       // calls carried; owner thread (pool lock for the hand-over)
    long idleSince;                 // guarded by the pool's lock
    long drainStart;                // guarded by the pool's lock
    volatile int state = ACTIVE;    // read by the timer and the reader thread
    volatile Reader reader;         // the current consumer, for deadline checks in pull
    volatile long received;         // bytes handed over since the last resetReceived()
    long sent;                      // request bytes that reached the socket since a call took it; owner thread

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final byte[] buf = new byte[CAPACITY];  // guarded by lock
    private int bpos, blen;                          // guarded by lock
    private boolean eof;                             // guarded by lock
    private IOException error;                       // guarded by lock
    private volatile Thread waiter;                  // parked in pull, to wake on data or alarm

    ClientConn(Conn conn, Pool pool, H1Parser parser) {
        this.conn = conn;
        this.pool = pool;
        this.parser = parser;
        this.in = new InBuffer(this::pull, 8192, 64 * 1024);
        this.out = new OutBuffer(this::send, 8192);
        conn.setAlarm(this::onAlarm);
    }

    long id() {
        return conn.id();
    }

    /** The OutBuffer's sink: counts what reached the socket, so a call that failed before knows it sent nothing. */
    private void send(byte[] b, int off, int len) throws IOException {
        conn.write(b, off, len);
        sent += len;
    }

    void startReader() {
        Thread.ofVirtual().name("hourglass-client-reader-" + conn.id()).start(this::readLoop);
    }

    private void readLoop() {
        byte[] tmp = new byte[16 * 1024];
        while (true) {
            int room;
            lock.lock();
            try {
                while (blen == CAPACITY && !conn.isClosed()) {
                    notFull.awaitUninterruptibly();
                }
                if (bpos > 0) {
                    System.arraycopy(buf, bpos, buf, 0, blen - bpos);
                    blen -= bpos;
                    bpos = 0;
                }
                room = Math.min(tmp.length, CAPACITY - blen);
            } finally {
                lock.unlock();
            }
            int n;
            IOException err = null;
            try {
                n = room == 0 ? -1 : conn.read(tmp, 0, room);
            } catch (IOException e) {
                n = -1;
                err = e;
            }
            Thread w;
            boolean whileIdle;
            lock.lock();
            try {
                // Decide before handing the bytes over: once the caller has them it may finish its call and
                // put the connection back to the pool (IDLE), and its own response would look stray.
                whileIdle = state == IDLE;
                if (n > 0 && whileIdle) {
                    // Bytes nobody asked for: never hand them to a caller (one may take the connection this
                    // instant and would read them as its response). The connection ends here; such a caller
                    // fails before any byte of a response, so an idempotent call is retried on a new one.
                    eof = true;
                    error = new java.io.EOFException("unexpected bytes on an idle connection");
                } else if (n > 0) {
                    System.arraycopy(tmp, 0, buf, blen, n);
                    blen += n;
                } else {
                    eof = true;
                    error = err;
                }
                w = waiter;
            } finally {
                lock.unlock();
            }
            if (w != null) {
                LockSupport.unpark(w);
            }
            if (n < 0) {
                if (whileIdle) {
                    pool.idleConnectionEnded(this, err == null ? "server closed" : "reset while idle");
                }
                return; // otherwise the call in progress, or reusable() at release, sees the end
            }
            if (whileIdle) {
                pool.idleConnectionEnded(this, "unexpected bytes while idle");
                conn.close(); // also when a caller took it meanwhile: it sees the end, not the stray bytes
                return;
            }
        }
    }

    /** The InBuffer's source: bytes from the reader thread, waiting untimed until data, end, or a deadline. */
    private int pull(byte[] b, int off, int len) throws IOException {
        while (true) {
            // Check before handing bytes over, not only before parking: bytes that came while this thread ran
            // late (a GC pause, busy carrier threads) must not extend a deadline that has passed.
            Reader r = reader;
            if (r != null) {
                try {
                    r.check();
                } catch (IOException e) {
                    waiter = null;
                    throw e;
                }
            }
            lock.lock();
            try {
                int avail = blen - bpos;
                if (avail > 0) {
                    int n = Math.min(avail, len);
                    System.arraycopy(buf, bpos, b, off, n);
                    bpos += n;
                    if (bpos == blen) {
                        bpos = 0;
                        blen = 0;
                    }
                    notFull.signal();
                    waiter = null;
                    received += n;
                    return n;
                }
                if (eof) {
                    waiter = null;
                    if (error != null) {
                        throw error;
                    }
                    return -1;
                }
                waiter = Thread.currentThread();
            } finally {
                lock.unlock();
            }
            if (r != null) { // again, now that the waiter is set, so that an alarm from here on wakes it
                try {
                    r.check();
                } catch (IOException e) {
                    waiter = null;
                    throw e;
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                // park returns at once while the flag is set: never spin on it (issue 13). A call's check() has
                // already turned the interrupt into a CANCELLED error; this covers any other consumer.
                waiter = null;
                throw new InterruptedIOException("interrupted while waiting for the response");
            }
            LockSupport.park(this);
        }
    }

    /** Whether the pooled connection can carry another call: open, no stray bytes, no end of stream. */
    boolean reusable() {
        lock.lock();
        try {
            return !eof && blen == bpos && in.available() == 0 && !conn.isClosed();
        } finally {
            lock.unlock();
        }
    }

    /** Runs on the shared timer: wakes whoever waits (it re-checks its deadline) and evicts idle connections. */
    private void onAlarm() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        Runnable a = alarmAction;
        if (a != null) {
            a.run();
        }
    }

    /** An extra action for the alarm (idle eviction, abandoning a call whose body is never read). */
    volatile Runnable alarmAction;

    /** Wakes a parked consumer (cancellation). */
    void wake() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    void close() {
        state = CLOSED;
        conn.close();
        wakeReader();
    }

    /** Closes with a reset (RST): for a connection whose response is still coming and is not wanted. */
    void abort() {
        state = CLOSED;
        conn.abort();
        wakeReader();
    }

    private void wakeReader() {
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "connection #" + conn.id();
    }
}
