package io.hourglass.client;

import io.hourglass.internal.h1.H1Parser;
import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.io.ChannelIo;
import io.hourglass.internal.io.ConnAccess;
import io.hourglass.internal.io.ReadAhead;
import io.hourglass.net.Conn;
import java.io.IOException;

/**
 * One HTTP/1.1 client connection: the socket, its codec buffers, who reads it, and its state in the pool.
 * The {@link Carrier} of one call at a time ({@link H1Stream}).
 *
 * <p><b>Who reads.</b> Under {@link TimeoutPolicy#DRAIN} a caller's deadline must wake the caller without
 * killing the connection: the connection then lives on, and a drainer reads the late response. Two ways:
 * <ul>
 *   <li><b>On the caller's thread</b> (plaintext on JDK 25 and later, {@link ChannelIo#ENABLED}, while the
 *       origin has this connection only, {@link Pool#CALLER_READ_CONNS}): the socket is a non-blocking channel
 *       with a selector of its own; whoever consumes the bytes (the call's thread, a drain's) reads it in
 *       {@link #pull} and, when nothing is there, waits in the selector, which the shared timer's alarm, a
 *       cancel or an interrupt end without closing anything ({@link ChannelIo}). No thread is woken to hand
 *       the bytes over: half the CPU per call at one caller (docs/BENCHMARKS.md). An interrupt that lands
 *       inside the few microseconds of a read or write system call closes the connection (the channel is
 *       interruptible): the call still fails as cancelled, and the connection is lost as under
 *       {@link TimeoutPolicy#CLOSE} (a DRAIN's drain ends at once, closed).</li>
 *   <li><b>A reader thread</b> (TLS; every connection before JDK 25, where a virtual thread in {@code select}
 *       pins its carrier; and once the origin has more connections, where a selector's wait, through the
 *       JDK's platform poller thread, costs more than a hand-off between virtual threads: a channel connection
 *       taken then moves to one, {@link #toReaderThread}): a blocked socket read cannot be woken without
 *       closing the socket, so a virtual thread per connection does the reads and hands the bytes over
 *       ({@link ReadAhead}, eager mode); the caller waits untimed and the alarm wakes it at its deadline.</li>
 * </ul>
 *
 * <p><b>An idle connection the server closes</b> is noticed, and bytes nobody asked for never reach a caller.
 * With a reader thread, at once: the reader is blocked on every connection. On a channel, a call that takes an
 * idle connection first looks at it without waiting ({@link #takeable}: an end, a reset or stray bytes close it
 * there), so no call is ever sent on a connection known to be dead; and once a connection has been idle for
 * {@link #IDLE_QUIET_NANOS} (its alarm, armed at release for its eviction, comes at the earlier of the two), a
 * virtual thread watches it in its selector until a call takes it. So a server's close is noticed at most
 * 200 ms after it (at once after that), and calls back to back pay nothing for the watch: it exists only to
 * free the pool's place and the socket early; the look at take is what keeps calls exact.
 *
 * <p><b>State.</b> ACTIVE (a call or a dial has it), IDLE (in the pool), DRAINING (reading a late response),
 * CLOSED. The pool moves it, under the pool's lock, through the methods of the last section; whoever consumes
 * its bytes (a call's deadlines, or a drain's budget) is set with the state, and an idle connection holds no
 * caller's deadline or callback: only its own idle eviction (and on a channel its idle watch).
 */
final class ClientConn implements Carrier {
    private static final int ACTIVE = 0, IDLE = 1, DRAINING = 2, CLOSED = 3;
    /** How long a channel connection stays idle before a thread watches it for the server's close. */
    static final long IDLE_QUIET_NANOS = 200_000_000L;

    final Conn conn;
    final Pool pool;
    final InBuffer in;
    final OutBuffer out;
    final H1Parser parser;
    // The reader thread's hand-off, or null on a channel; the channel read on the consumer's thread, or null.
    // One of the two is set; a channel connection moves to a reader thread once (toReaderThread: readAhead set
    // first, then io cleared). Volatile: the timer, a canceller and close read them from other threads.
    private volatile ReadAhead readAhead;
    private volatile ChannelIo io;
    // Read by the reader thread (stray bytes while IDLE) and the timer; written under the pool's lock, or by
    // close and abort from any thread.
    private volatile int state = ACTIVE;
    private long idleSince;                 // guarded by the pool's lock
    private long drainStart;                // guarded by the pool's lock
    // How long the pool may keep it idle, from the server's Keep-Alive hint of its last response (issue 14), in
    // nanoseconds; -1 for no hint. Written by the call's thread before it releases the connection, read by the
    // pool under its lock (the release is the hand-over).
    long keepAliveWindow = -1;
    // Whoever consumes the bytes now (a call, a drain): its check() says when waiting must stop. Volatile:
    // set by the thread that takes the connection, read by the thread that reads (the same, or a drain's).
    private volatile ReadAhead.Waiter consumer;
    // The call whose alarm action runs besides waking the consumer while it has the connection (null
    // otherwise: an idle connection's alarm is its eviction). Volatile: the timer thread runs it. The call
    // itself rather than a method reference to it: no object per call.
    private volatile Exchange alarmCall;
    // Response bytes handed to the consumer since the connection was taken: written by the consumer, read by
    // the call's thread when it decides on a retry (the same thread). A drain's thread counts too, but a later
    // call resets and reads it only after taking the connection under the pool's lock, which orders the two:
    // not volatile.
    private long received;
    private long sent;                      // request bytes that reached the socket since it was taken; caller's thread
    // Why the connection ended while idle, if it did: the reader thread's, or on a channel the pool's look
    // (under its lock).
    private String idleEnd;
    private boolean strayBytes;             // the reader thread's: the server sent bytes nobody asked for
    // On a channel: a read returned the end of the stream. Written and read by the consumer; a drain's end is
    // ordered before the next call's look by the pool's lock, as for received.
    private boolean ended;
    private long evictAt;                   // guarded by the pool's lock: the idle eviction's instant, 0 for none
    private boolean watched;                // guarded by the pool's lock: the idle watch started for this idle spell
    // Counts idle spells, so that a watch started for one ends when it is over. Volatile: written under the
    // pool's lock, read by the watch's thread without it.
    private volatile long idleSpell;

    ClientConn(Conn conn, Pool pool) {
        this.conn = conn;
        this.pool = pool;
        this.parser = H1Parser.forResponses(64 * 1024, 256); // a bare LF tolerated (RFC 9112 section 2.2)
        this.in = new InBuffer(this::pull, 8192, 64 * 1024);
        this.out = new OutBuffer(this::send, 8192);
        this.io = ConnAccess.channel(conn);
        conn.setAlarm(this::onAlarm);
        // Last: the reader thread starts here and sees the fields above.
        this.readAhead = io != null ? null
                : ReadAhead.eager(conn, readerEvents(), "hourglass-client-reader-" + conn.id());
    }

    @Override
    public long id() {
        return conn.id();
    }

    @Override
    public String protocol() {
        return "http/1.1";
    }

    /** This connection for one call: the call's deadlines drive its waits; the counters start from zero. */
    @Override
    public Stream open(Exchange call) {
        received = 0;
        sent = 0;
        consumer = call;
        alarmCall = call;
        return new H1Stream(this, call);
    }

    long received() {
        return received;
    }

    long sent() {
        return sent;
    }

    /** The OutBuffer's sink: counts what reached the socket, so a call that failed before knows it sent nothing. */
    private void send(byte[] b, int off, int len) throws IOException {
        conn.write(b, off, len);
        sent += len;
    }

    /** What the reader thread does with an idle connection's end, or with bytes nobody asked for. */
    private ReadAhead.Events readerEvents() {
        return new ReadAhead.Events() {
            // Decided before the bytes are handed over: once the caller has them it may finish its call and put
            // the connection back to the pool (IDLE), and its own response would look stray.
            @Override
            public boolean accept() {
                if (state != IDLE) {
                    return true;
                }
                // Bytes nobody asked for: never hand them to a caller (one may take the connection this instant
                // and would read them as its response). The connection ends here; such a caller fails before any
                // byte of a response, so an idempotent call is retried on a new one.
                idleEnd = ChannelIo.IDLE_STRAY;
                strayBytes = true;
                return false;
            }

            @Override
            public void ending(IOException err, boolean active) {
                if (state == IDLE) {
                    idleEnd = err == null ? ChannelIo.IDLE_CLOSED : ChannelIo.IDLE_RESET;
                }
            }

            @Override
            public void ended() {
                if (idleEnd != null) {
                    pool.idleConnectionEnded(ClientConn.this, idleEnd);
                }
                if (strayBytes) {
                    conn.close(); // also when a caller took it meanwhile: it sees the end, not the stray bytes
                }
                // otherwise the call in progress, or reusable() at release, sees the end
            }
        };
    }

    /** The InBuffer's source: bytes from the reader thread, waiting untimed until data, end, or a deadline. */
    private int pull(byte[] b, int off, int len) throws IOException {
        int n;
        ChannelIo ch = io;
        if (ch != null) {
            n = ch.read(b, off, len, consumer);
            if (n < 0) {
                ended = true;
            }
        } else {
            n = readAhead.read(b, off, len, consumer);
        }
        if (n > 0) {
            received += n;
        }
        return n;
    }

    /** Whether the connection can carry another call: open, no stray bytes, no end of stream. */
    boolean reusable() {
        if (io != null) { // the reader thread's state otherwise (a channel's is ended, below)
            return !ended && !conn.isClosed() && in.available() == 0; // the next taker looks at the socket
        }
        return readAhead.emptyAndOpen() && in.available() == 0;
    }

    /**
     * Whether a connection just taken from the pool (or, under the pool's lock, one the idle watch saw readable)
     * can carry a call: with a reader thread always (the pool checked {@link #reusable}); on a channel, a look at
     * the socket without waiting (see the class comment), and {@link #idleEnd()} says why not. A system call, so
     * the call's thread makes it after taking the connection, not under the pool's lock.
     */
    boolean takeable() {
        ChannelIo ch = io;
        if (ch == null) {
            return true;
        }
        idleEnd = ch.idleEnd();
        return idleEnd == null;
    }

    /** Whether its bytes are read on the consumer's thread (a channel), not by a reader thread. */
    boolean callerReads() {
        return io != null;
    }

    /**
     * Moves a channel connection to a reader thread, by the call that just took it (before it uses it): its
     * origin has more connections now ({@link Pool#CALLER_READ_CONNS}). The channel turns blocking (its selector
     * closed, an idle watch leaving it) and a reader thread reads it from here on. False when the connection
     * failed meanwhile: the caller discards it.
     */
    boolean toReaderThread() {
        ChannelIo ch = io;
        try {
            ch.toBlocking();
        } catch (IOException e) {
            return false;
        }
        readAhead = ReadAhead.eager(conn, readerEvents(), "hourglass-client-reader-" + conn.id());
        io = null; // after readAhead: a waker that sees no channel finds the reader
        return true;
    }

    /**
     * Why {@link #takeable} found a channel connection dead (one of {@link ChannelIo}'s {@code IDLE_} reasons),
     * or null. The thread that took the connection, or the idle watch under the pool's lock.
     */
    String idleEnd() {
        return io != null ? idleEnd : null;
    }

    /**
     * Runs on the shared timer: wakes whoever waits (it re-checks its deadline), then the call's action, or,
     * idle, the eviction.
     */
    private void onAlarm() {
        ChannelIo ch = io;
        if (ch == null) {
            readAhead.wake();
        } else if (state != IDLE) {
            ch.wake(); // a selector wake-up is a system call: none for an idle connection's alarm
        }
        Exchange a = alarmCall;
        if (a != null) {
            a.onAlarm();
        } else if (state == IDLE) {
            pool.evictIfIdle(this);
        }
    }

    /** Wakes a parked consumer (cancellation). */
    void wake() {
        ChannelIo ch = io;
        if (ch != null) {
            ch.wake(); // after a move to a reader thread, a no-op on the closed selector
        } else {
            readAhead.wake();
        }
    }

    void close() {
        state = CLOSED;
        conn.close();
        ReadAhead r = readAhead;
        if (r != null) {
            r.connectionClosed();
        }
    }

    /** Closes with a reset (RST): for a connection whose response is still coming and is not wanted. */
    void abort() {
        state = CLOSED;
        conn.abort();
        ReadAhead r = readAhead;
        if (r != null) {
            r.connectionClosed();
        }
    }

    // ---- the idle watch, on a channel ----

    /**
     * The idle alarm came before the eviction is due, under the pool's lock: on a channel, the quiet period is
     * over, so the alarm moves on to the eviction and a watch starts: the idle spell to watch, which the caller
     * passes to {@link #watchIdle} after the lock; -1 for none (already watched, or a reader thread watches).
     */
    long quietOver() {
        if (io == null) {
            return -1;
        }
        if (evictAt != 0) {
            conn.armAlarm(evictAt);
        }
        if (watched) {
            return -1;
        }
        watched = true;
        return idleSpell;
    }

    /**
     * Starts the idle watch's thread: it waits in the selector until the connection is readable (an end, a reset
     * or bytes nobody asked for: the pool then looks and closes it) or a call takes it (woken by toActive).
     */
    void watchIdle(long spell) {
        Thread.ofVirtual().name("hourglass-client-idle-" + conn.id()).start(() -> {
            ChannelIo ch = io;
            while (ch != null && ch.awaitReadable(() -> state == IDLE && idleSpell == spell)) {
                if (pool.idleReadable(this)) {
                    return;
                }
            }
        });
    }

    // ---- state changes, by the pool under its lock ----

    /** Taken from the pool by a call: nothing of the idle state (eviction) stays armed. */
    void toActive() {
        state = ACTIVE;
        alarmCall = null;
        conn.armAlarm(0);
        ChannelIo ch = io;
        if (watched && ch != null) {
            watched = false;
            ch.wake(); // the idle watch ends (its selector is this call's from now on)
        }
    }

    /**
     * Back in the pool, idle from {@code now}: no caller's deadline, consumer or callback stays on it; the
     * alarm is its own eviction at {@code evictAt} (0: never).
     */
    void toIdle(long now, long evictAt) {
        state = IDLE;
        idleSince = now;
        consumer = null;
        alarmCall = null;
        conn.setWriteDeadlineNanos(0);
        if (io == null) {
            conn.armAlarm(evictAt);
            return;
        }
        idleSpell++;
        this.evictAt = evictAt;
        watched = false;
        long quiet = now + IDLE_QUIET_NANOS;
        conn.armAlarm(evictAt != 0 && evictAt - quiet < 0 ? evictAt : quiet);
    }

    /** Reads a late response from {@code now}: {@code budget} is its consumer, woken at {@code deadline}. */
    void toDraining(long now, ReadAhead.Waiter budget, long deadline) {
        state = DRAINING;
        drainStart = now;
        consumer = budget;
        alarmCall = null;
        conn.setWriteDeadlineNanos(0);
        conn.armAlarm(deadline);
    }

    /** Marks it closed (its place passes on); the caller closes it. */
    void toClosed() {
        state = CLOSED;
    }

    boolean isIdle() {
        return state == IDLE;
    }

    boolean isDraining() {
        return state == DRAINING;
    }

    boolean isClosed() {
        return state == CLOSED;
    }

    /** Since when it is idle; under the pool's lock. */
    long idleSince() {
        return idleSince;
    }

    /** Since when it drains; under the pool's lock. */
    long drainStart() {
        return drainStart;
    }

    @Override
    public String toString() {
        return "connection #" + conn.id();
    }
}
