package io.hourglass.net;

import io.hourglass.internal.io.ChannelIo;
import io.hourglass.internal.io.ConnAccess;
import io.hourglass.internal.text.Durations;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

/**
 * A connection over a socket (plain or TLS) with Go-style read and write deadlines.
 *
 * <p><b>Deadlines.</b> A deadline is an absolute instant, not a timeout: it is not extended when bytes flow.
 * Whoever wants a per-operation timeout sets a new deadline before each operation. Once the read deadline
 * has passed, a read in progress and every later read fail with {@link DeadlineExceededException}; the same
 * holds for writes and the write deadline, including a write blocked because the peer does not read.
 * {@code null} (or {@code 0} for the nanosecond variants) clears a deadline.
 *
 * <p><b>Differences from Go.</b> The deadlines are enforced by one shared timer thread (a timing wheel with
 * 1 ms slots, so expiry is late by about a millisecond), not by the poller. When the read deadline passes
 * the connection's input is shut down: reads stay failed for good, but the connection can still write
 * (so a server can still answer 408). When the write deadline passes the connection is closed abortively
 * (TCP RST), which frees the socket and its unsent data at once instead of leaving it in FIN_WAIT1. In both
 * cases, unlike Go, the deadline cannot be moved back to revive the connection: the server and the client
 * end a connection whose deadline passed anyway.
 *
 * <p><b>Metrics.</b> A {@code Conn} counts nothing itself: the server and the client turn a passed deadline
 * into a timeout of their phase and count it in {@code hourglass_timeouts_total{side,phase}}.
 *
 * <p><b>Threads.</b> One thread may read while another writes (except over the HTTP/1.1 client's internal
 * non-blocking channel on JDK 25 and later, where one thread at a time reads or writes). Arming or clearing a deadline is a volatile
 * store (plus, rarely, a hand-off to the timer) and allocates nothing; it may be done from any thread.
 */
public final class Conn implements Closeable {
    private static final AtomicLong IDS = new AtomicLong();
    private static final int OPEN = 0;
    private static final int CLOSED = 1;

    static final VarHandle QUEUED;
    private static final VarHandle ALARM;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUED = l.findVarHandle(Conn.class, "queued", int.class);
            ALARM = l.findVarHandle(Conn.class, "alarmAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // The channel-backed mode, lent to the client through a package that is not exported (see ConnAccess).
        ConnAccess.install(new ConnAccess.Lender() {
            @Override
            public Conn ofChannel(ChannelIo io, Clock clock) {
                return new Conn(io, clock);
            }

            @Override
            public ChannelIo channel(Conn c) {
                return c.io;
            }
        });
    }

    private final long id = IDS.incrementAndGet();
    private final Clock clock;
    private final DeadlineTimer timer;
    private final Socket raw;          // the TCP socket: closing it never blocks
    private final Socket socket;       // raw, or the TLS socket layered over it
    private final InputStream in;      // null over a channel
    private final OutputStream out;    // null over a channel
    private final ChannelIo io;        // the non-blocking channel under the client's connection, or null

    // Deadlines as instants of the clock; 0 means none. Volatile: written by the I/O threads, read by
    // the timer thread; the alarm's action too (set by its owner, run by the timer).
    private volatile long readDeadline;
    private volatile long writeDeadline;
    private volatile long alarmAt;
    private volatile Runnable alarm;
    // Set once by the timer when a deadline passed; read by the I/O threads to turn a failure into a timeout.
    private volatile boolean readExpired;
    private volatile boolean writeExpired;
    private volatile int state;        // OPEN or CLOSED; volatile so the timer sees a close

    // Timer bookkeeping. scheduledAt is volatile because armers compare their new deadline with it; queued
    // (1 while on the timer's queue) is compare-and-set by armers through QUEUED and cleared by the timer.
    volatile long scheduledAt;
    volatile int queued;
    Conn queueNext;                    // guarded by the queue's CAS
    Conn wheelNext, wheelPrev;         // timer thread only
    int wheelSlot = -1;                // timer thread only

    private Conn(Socket raw, Socket socket, Clock clock) throws IOException {
        this.clock = clock;
        this.timer = DeadlineTimer.of(clock);
        this.raw = raw;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.io = null;
    }

    /** Over a non-blocking channel: reads and writes wait in its selector (see {@link ChannelIo}). */
    private Conn(ChannelIo io, Clock clock) {
        this.clock = clock;
        this.timer = DeadlineTimer.of(clock);
        this.raw = io.socket();
        this.socket = raw;
        this.in = null;
        this.out = null;
        this.io = io;
    }

    /**
     * Wraps a connected plain socket.
     *
     * @param socket the socket, connected
     * @return the connection, without deadlines
     * @throws IOException if the socket's streams cannot be had (it is closed, say)
     */
    public static Conn of(Socket socket) throws IOException {
        return new Conn(socket, socket, Clock.system());
    }

    /**
     * Wraps a connected plain socket whose deadlines follow {@code clock} (a test's manual clock, say).
     *
     * @param socket the socket, connected
     * @param clock the clock its deadlines are instants of, and whose timer enforces them
     * @return the connection, without deadlines
     * @throws IOException if the socket's streams cannot be had (it is closed, say)
     */
    public static Conn of(Socket socket, Clock clock) throws IOException {
        return new Conn(socket, socket, clock);
    }

    /**
     * Wraps a TLS socket layered over {@code raw} (created with {@code autoClose = true}). Expiry and abort
     * close {@code raw}, so that they never block on a TLS close_notify to a peer that does not read.
     *
     * @param raw the connected TCP socket under {@code tls}
     * @param tls the TLS socket over it
     * @return the connection, without deadlines
     * @throws IOException if the socket's streams cannot be had (it is closed, say)
     */
    public static Conn of(Socket raw, SSLSocket tls) throws IOException {
        return new Conn(raw, tls, Clock.system());
    }

    /**
     * Wraps a TLS socket layered over {@code raw}, as {@link #of(Socket, SSLSocket)}, whose deadlines follow
     * {@code clock}.
     *
     * @param raw the connected TCP socket under {@code tls}
     * @param tls the TLS socket over it
     * @param clock the clock its deadlines are instants of, and whose timer enforces them
     * @return the connection, without deadlines
     * @throws IOException if the socket's streams cannot be had (it is closed, say)
     */
    public static Conn of(Socket raw, SSLSocket tls, Clock clock) throws IOException {
        return new Conn(raw, tls, clock);
    }

    /** {@return a process-wide unique id, for logs and errors ("connection #12")} */
    public long id() {
        return id;
    }

    /** {@return the clock whose instants the deadlines are ({@link Clock#system()} unless one was given)} */
    public Clock clock() {
        return clock;
    }

    /** {@return the underlying socket (the TLS socket for a TLS connection)} */
    public Socket socket() {
        return socket;
    }

    /** {@return the peer's address, or null if the socket is not connected} */
    public SocketAddress remoteAddress() {
        return raw.getRemoteSocketAddress();
    }

    /** {@return the local address, or null if the socket is not bound} */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) raw.getLocalSocketAddress();
    }

    /** {@return whether the connection is TLS} */
    public boolean isTls() {
        return socket != raw;
    }

    // ---- I/O ----

    /**
     * Reads up to {@code len} bytes, blocking until at least one is available.
     *
     * @param b the buffer
     * @param off the offset of the first byte in {@code b}
     * @param len the number of bytes
     * @return the number of bytes read, or -1 at end of stream
     * @throws DeadlineExceededException when the read deadline has passed, before or during the read
     * @throws IOException when the connection fails otherwise
     */
    public int read(byte[] b, int off, int len) throws IOException {
        long d = readDeadline;
        if (readExpired || (d != 0 && clock.nanoTime() - d >= 0)) {
            throw new DeadlineExceededException(DeadlineExceededException.Op.READ, id);
        }
        int n;
        try {
            n = io != null ? io.read(b, off, len, null) : in.read(b, off, len);
        } catch (IOException e) {
            throw translate(e, DeadlineExceededException.Op.READ);
        }
        if (n < 0 && readExpired) {
            throw new DeadlineExceededException(DeadlineExceededException.Op.READ, id);
        }
        return n;
    }

    /**
     * Writes all {@code len} bytes, blocking while the socket's send buffer is full.
     *
     * @param b the buffer
     * @param off the offset of the first byte in {@code b}
     * @param len the number of bytes
     * @throws DeadlineExceededException when the write deadline has passed, before or during the write: with no
     *     cause when it had passed before the write began (nothing was written), with the socket's error as its
     *     cause when its abort broke the write in progress
     * @throws IOException when the connection fails otherwise
     */
    public void write(byte[] b, int off, int len) throws IOException {
        long d = writeDeadline;
        if (writeExpired || (d != 0 && clock.nanoTime() - d >= 0)) {
            throw new DeadlineExceededException(DeadlineExceededException.Op.WRITE, id);
        }
        try {
            if (io != null) {
                io.write(b, off, len);
            } else {
                out.write(b, off, len);
            }
        } catch (IOException e) {
            throw translate(e, DeadlineExceededException.Op.WRITE);
        }
    }

    /**
     * Flushes a TLS socket's pending record; a no-op for plain sockets, which do not buffer.
     *
     * @throws DeadlineExceededException when the write deadline passes during the flush
     * @throws IOException when the connection fails otherwise
     */
    public void flush() throws IOException {
        if (io != null) {
            return; // plain: nothing buffered
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw translate(e, DeadlineExceededException.Op.WRITE);
        }
    }

    private IOException translate(IOException e, DeadlineExceededException.Op op) {
        if (op == DeadlineExceededException.Op.READ ? readExpired : writeExpired) {
            DeadlineExceededException t = new DeadlineExceededException(op, id);
            t.initCause(e);
            return t;
        }
        if (op == DeadlineExceededException.Op.READ && writeExpired) {
            // The write deadline closed the connection under this read.
            DeadlineExceededException t = new DeadlineExceededException(DeadlineExceededException.Op.WRITE, id);
            t.initCause(e);
            return t;
        }
        return e;
    }

    // ---- deadlines ----

    /**
     * Sets both deadlines (Go's SetDeadline). See the class comment for the semantics. A deadline more than
     * 100 years away counts as 100 years away, as every Hourglass timeout does.
     *
     * @param deadline the instant, or null to clear both
     */
    public void setDeadline(Instant deadline) {
        long n = toNanos(deadline);
        setReadDeadlineNanos(n);
        setWriteDeadlineNanos(n);
    }

    /**
     * Sets the read deadline: the instant after which a pending and every later read fails.
     * <p>It holds from now until it is cleared or replaced, whatever bytes arrive. When it passes, the
     * input is shut down: a blocked read wakes and throws {@link DeadlineExceededException} (op READ),
     * later reads throw it too, and writes still work. Counted in no metric by itself (see the class
     * comment). A deadline already past fails the next read at once.
     *
     * @param deadline the instant, or null to clear it
     */
    public void setReadDeadline(Instant deadline) {
        setReadDeadlineNanos(toNanos(deadline));
    }

    /**
     * Sets the write deadline: the instant after which a pending and every later write fails.
     * <p>It holds from now until it is cleared or replaced, whatever bytes leave, and also when the peer
     * does not read. When it passes, the connection is closed abortively (RST): unsent data is dropped, a
     * blocked write wakes and throws {@link DeadlineExceededException} (op WRITE), and so does every later
     * write or read. Counted in no metric by itself (see the class comment).
     *
     * @param deadline the instant, or null to clear it
     */
    public void setWriteDeadline(Instant deadline) {
        setWriteDeadlineNanos(toNanos(deadline));
    }

    /**
     * Sets the read deadline as a {@link Clock#nanoTime()} instant of the connection's clock, as
     * {@link #setReadDeadline}.
     * Allocation-free.
     *
     * @param nanoTime the instant, or 0 to clear it
     */
    public void setReadDeadlineNanos(long nanoTime) {
        readDeadline = nanoTime;
        armed(nanoTime);
    }

    /**
     * Sets the write deadline as a {@link Clock#nanoTime()} instant of the connection's clock, as
     * {@link #setWriteDeadline}.
     * Allocation-free.
     *
     * @param nanoTime the instant, or 0 to clear it
     */
    public void setWriteDeadlineNanos(long nanoTime) {
        writeDeadline = nanoTime;
        armed(nanoTime);
    }

    /** {@return the read deadline as an instant of the connection's clock, 0 for none} */
    public long readDeadlineNanos() {
        return readDeadline;
    }

    /** {@return the write deadline as an instant of the connection's clock, 0 for none} */
    public long writeDeadlineNanos() {
        return writeDeadline;
    }

    /**
     * Installs the action that {@link #armAlarm} triggers. It runs on the shared timer thread, so it must
     * not block: hand any real work to another thread.
     *
     * @param action the action, or null for none
     */
    public void setAlarm(Runnable action) {
        this.alarm = action;
    }

    /**
     * Runs the alarm action once, at about {@code nanoTime} (1 ms late at most, typically). A new call
     * replaces the pending instant; 0 disarms it. Allocation-free.
     *
     * @param nanoTime a {@link Clock#nanoTime()} instant of the connection's clock, or 0
     */
    public void armAlarm(long nanoTime) {
        alarmAt = nanoTime;
        armed(nanoTime);
    }

    private void armed(long nanoTime) {
        if (nanoTime == 0) {
            return; // clearing never needs the timer: it finds out when the slot comes due
        }
        long at = scheduledAt;
        if (at == 0 || nanoTime - at < 0) {
            timer.enqueue(this, nanoTime);
        }
    }

    private long toNanos(Instant deadline) {
        if (deadline == null) {
            return 0;
        }
        long nanosFromNow = Durations.nanosUntil(deadline);
        long n = clock.nanoTime() + nanosFromNow;
        return n == 0 ? 1 : n;
    }

    /** {@return whether the read deadline has passed and shut the input down} */
    public boolean readExpired() {
        return readExpired;
    }

    /** {@return whether the write deadline has passed and aborted the connection} */
    public boolean writeExpired() {
        return writeExpired;
    }

    // ---- timer side ----

    long earliestDeadline() {
        long m = 0;
        m = min(m, readExpired ? 0 : readDeadline);
        m = min(m, writeExpired ? 0 : writeDeadline);
        m = min(m, alarmAt);
        return m;
    }

    private static long min(long a, long b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return a - b <= 0 ? a : b;
    }

    /** Called by the timer thread when this connection's slot comes due. */
    void checkDeadlines(long now) {
        long w = writeDeadline;
        if (w != 0 && now - w >= 0 && !writeExpired) {
            writeExpired = true;
            abort();
            return;
        }
        long r = readDeadline;
        if (r != 0 && now - r >= 0 && !readExpired) {
            readExpired = true;
            try {
                raw.shutdownInput(); // wakes a blocked read with end-of-stream, which read() turns into a timeout
            } catch (IOException ignored) {
                // already closed: the reader fails anyway
            }
            if (io != null) {
                io.wake(); // a reader waiting in the channel's selector reads again, and sees the end
            }
        }
        long a = alarmAt;
        if (a != 0 && now - a >= 0 && ALARM.compareAndSet(this, a, 0L)) {
            Runnable action = alarm;
            if (action != null) {
                action.run();
            }
        }
    }

    // ---- closing ----

    /** {@return whether {@link #close} or {@link #abort} has been called} */
    public boolean isClosed() {
        return state == CLOSED;
    }

    /**
     * Closes the connection with a FIN. Idempotent; never blocks. For TLS no close_notify is sent: every
     * message Hourglass sends is framed, so the peer never relies on it to detect truncation, and sending it
     * could block on a peer that does not read.
     */
    @Override
    public void close() {
        state = CLOSED;
        if (io != null) {
            io.close();
        } else {
            closeQuietly(raw);
        }
    }

    /**
     * Closes the connection abortively: SO_LINGER 0, so the kernel sends RST and drops unsent data at once.
     * Never blocks. Idempotent.
     */
    public void abort() {
        state = CLOSED;
        if (io != null) {
            io.abort();
            return;
        }
        try {
            raw.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(raw);
    }

    /** Shuts the output down (sends FIN) while the input stays open; used for a lingering close. */
    public void shutdownOutput() {
        try {
            raw.shutdownOutput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return "connection #" + id;
    }
}
