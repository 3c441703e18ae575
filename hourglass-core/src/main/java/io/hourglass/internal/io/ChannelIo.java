package io.hourglass.internal.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A non-blocking {@link SocketChannel} with a {@link Selector} of its own: the thread that wants the
 * connection's bytes reads the channel itself and, when nothing is there, waits in {@link Selector#select}.
 * The HTTP/1.1 client's plaintext connection on JDK 25 and later while it is its origin's only one (see
 * {@link #ENABLED} and the client's {@code ClientConn}); {@link #toBlocking} hands it to a reader thread.
 *
 * <p><b>Why a selector.</b> A waiting reader must be woken by a deadline, a cancel or another thread without
 * harm to the connection (the DRAIN policy keeps it after a timeout). A blocked socket read ends only on data,
 * its timeout or a close; {@link #wake} ({@link Selector#wakeup}) and {@link Thread#interrupt} end a
 * {@code select} and close nothing. From JDK 25 a virtual thread in {@code select} parks (the JDK's poller
 * watches the selector's epoll descriptor); JDK 21 to 24 pin its carrier for the whole wait, which is why the
 * client keeps its reader thread there.
 *
 * <p><b>Interrupts.</b> A channel is an {@code InterruptibleChannel}: a thread interrupted inside
 * {@code read} or {@code write}, even a non-blocking one, closes it. So no read or write starts with the
 * interrupt status set ({@link InterruptedIOException} instead, and the connection stays usable). An
 * interrupt that lands during the few microseconds of the system call itself still closes the channel: the
 * caller then sees a closed connection (the client's call still fails as cancelled, and the connection is
 * lost as under the CLOSE policy).
 *
 * <p><b>Threads.</b> One thread at a time reads, writes or waits (a call, then a drain, then an idle watch, each
 * handed over under the client pool's lock); {@link #wake} and {@link #close} from any thread. Closing closes
 * both the channel and the selector (its epoll and event descriptors), and never waits: a selector a thread is
 * waiting in is closed by that thread as it leaves.
 */
public final class ChannelIo {
    /**
     * Whether the client's plaintext HTTP/1.1 connections use this class: on JDK 25 and later, unless the
     * internal system property {@code hourglass.internal.clientReaderThread} is {@code true} (which keeps the
     * reader thread of {@link ReadAhead}; the tests run both paths).
     */
    public static final boolean ENABLED = Runtime.version().feature() >= 25
            && !Boolean.getBoolean("hourglass.internal.clientReaderThread");

    private static final Consumer<SelectionKey> IGNORE = k -> { };
    private static final VarHandle SELECTING;

    static {
        try {
            SELECTING = MethodHandles.lookup().findVarHandle(ChannelIo.class, "selecting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SocketChannel ch;
    private final Selector sel;
    private final SelectionKey key;
    private final ByteBuffer probe = ByteBuffer.allocate(1); // the pool's look at an idle connection
    // Threads inside select() or about to enter it (a call, or an idle watch that a taking call woke and that has
    // not left yet): a close from another thread leaves the selector to the last of them, since Selector.close
    // waits for a thread in select to leave, and the closing thread may be the shared timer (see close()).
    // Changed by atomic adds (VarHandle), which order it against the channel's closed flag both ways.
    private volatile int selecting;

    private ChannelIo(SocketChannel ch, Selector sel, SelectionKey key) {
        this.ch = ch;
        this.sel = sel;
        this.key = key;
    }

    /**
     * Puts a connected channel in non-blocking mode with a selector of its own; closes it when that fails.
     *
     * @param ch a connected channel, in blocking mode
     * @return the connection's reads and writes
     * @throws IOException when the channel or the selector fails
     */
    public static ChannelIo open(SocketChannel ch) throws IOException {
        Selector sel = null;
        try {
            ch.configureBlocking(false);
            sel = Selector.open();
            return new ChannelIo(ch, sel, ch.register(sel, SelectionKey.OP_READ));
        } catch (IOException | RuntimeException e) {
            if (sel != null) {
                sel.close();
            }
            ch.close();
            throw e;
        }
    }

    /** {@return the channel's socket adaptor (addresses, options, shutdown)} */
    public Socket socket() {
        return ch.socket();
    }

    /**
     * Reads up to {@code len} bytes, waiting for at least one.
     *
     * @param w checked before every read (a deadline that passed must not be extended by bytes that came while
     *     the reader ran late) and so after every wake-up; null for none
     * @return the bytes read, or -1 at the end of the stream
     * @throws InterruptedIOException when the thread is interrupted (and {@code w} did not throw first)
     * @throws IOException what {@code w} throws, or the connection's failure ({@link SocketException} when it
     *     was closed, as a socket's)
     */
    public int read(byte[] b, int off, int len, ReadAhead.Waiter w) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (true) {
            if (w != null) {
                w.check();
            }
            refuseInterrupted();
            int n;
            try {
                n = ch.read(buf);
            } catch (IOException e) {
                throw closedAsSocket(e);
            }
            if (n != 0) {
                return n;
            }
            await(SelectionKey.OP_READ);
        }
    }

    /**
     * Writes all {@code len} bytes, waiting while the socket's send buffer is full. Only a close (the write
     * deadline's reset, a cancel) or an interrupt ends the wait; an interrupt after part of the bytes went out
     * resets the connection, whose request is then cut.
     *
     * @throws InterruptedIOException when the thread is interrupted
     * @throws IOException the connection's failure ({@link SocketException} when it was closed)
     */
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            if (Thread.currentThread().isInterrupted()) {
                if (buf.position() > off) {
                    abort();
                }
                throw new InterruptedIOException("interrupted while writing");
            }
            int n;
            try {
                n = ch.write(buf);
            } catch (IOException e) {
                throw closedAsSocket(e);
            }
            if (n == 0) {
                await(SelectionKey.OP_WRITE);
            }
        }
    }

    /** Why an idle connection ended: the server closed it (the reason an EventListener sees). */
    public static final String IDLE_CLOSED = "server closed";
    /** Why an idle connection ended: a reset (or another read error) came while it was idle. */
    public static final String IDLE_RESET = "reset while idle";
    /** Why an idle connection ended: bytes that no call asked for arrived. */
    public static final String IDLE_STRAY = "unexpected bytes while idle";

    /**
     * Looks at an idle connection without waiting: null when nothing arrived, else why it cannot carry a call
     * ({@link #IDLE_CLOSED}, {@link #IDLE_RESET}, {@link #IDLE_STRAY}; the byte is consumed: the connection is
     * done). Skipped (null) when the thread is interrupted, whose read would close the channel.
     */
    public String idleEnd() {
        if (Thread.currentThread().isInterrupted()) {
            return null; // the call fails as cancelled before it sends; the next taker looks
        }
        probe.clear();
        try {
            int n = ch.read(probe);
            return n == 0 ? null : n < 0 ? IDLE_CLOSED : IDLE_STRAY;
        } catch (IOException e) {
            return IDLE_RESET;
        }
    }

    /**
     * Waits while {@code watching} holds until the connection is readable (bytes, end or reset arrived):
     * true then; false when {@code watching} no longer holds (re-checked after every {@link #wake}) or the
     * connection was closed. For an idle connection's watch: reads nothing.
     */
    public boolean awaitReadable(BooleanSupplier watching) {
        try {
            while (watching.getAsBoolean()) {
                if (select() > 0) {
                    return true;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed: nothing left to watch
        }
        return false;
    }

    /**
     * Turns the channel blocking for a reader thread of its own: closes the selector (waking, and waiting out, a
     * thread in {@code select}) and with it the channel's registration. From then on {@link #read} and
     * {@link #write} block in the channel (the JDK's virtual-thread pollers), and a close or
     * {@code shutdownInput} ends them; {@link #wake} does nothing. By the one thread that uses the channel.
     */
    public void toBlocking() throws IOException {
        try {
            sel.close();
            ch.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    /** Ends a wait in progress, or the next one when none is (it then returns at once). Any thread. */
    public void wake() {
        sel.wakeup();
    }

    /**
     * Closes the channel, with a FIN, and the selector; never blocks, from any thread (the timer's included, which
     * closes a connection whose write deadline passed). {@link Selector#close} waits until a thread in
     * {@code select} has left it, which takes that thread's next turn on a carrier: so when a thread is in (or
     * entering) {@code select}, it is woken and closes the selector itself as it leaves. Idempotent.
     */
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        if (selecting == 0) {
            closeSelector(); // nobody is in select, and whoever enters now sees the channel closed first
        } else {
            sel.wakeup(); // the last thread to leave select sees the channel closed and closes the selector
        }
    }

    private void closeSelector() {
        try {
            sel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * One {@code select} on this connection's selector, counted in {@link #selecting}: the count goes up before
     * the channel's open flag is read and {@link #close} closes the channel before it reads the count, so either
     * the closer sees this thread (and leaves the selector to it) or this thread sees the channel closed.
     */
    private int select() throws IOException {
        SELECTING.getAndAdd(this, 1);
        try {
            if (!ch.isOpen()) {
                throw new ClosedSelectorException();
            }
            return sel.select(IGNORE);
        } finally {
            if ((int) SELECTING.getAndAdd(this, -1) == 1 && !ch.isOpen()) {
                closeSelector();
            }
        }
    }

    /** Closes with a reset (SO_LINGER 0): unsent bytes are dropped and the peer sees RST. Idempotent. */
    public void abort() {
        try {
            ch.socket().setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        close();
    }

    /** Waits in the selector for {@code op}; a wake, an interrupt or a close also end the wait. */
    private void await(int op) throws IOException {
        try {
            if (op != SelectionKey.OP_READ) {
                key.interestOps(op);
            }
            try {
                select();
            } finally {
                if (op != SelectionKey.OP_READ) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
        } catch (ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
            throw new SocketException("Socket closed");
        }
    }

    private static void refuseInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            // a channel operation would close the channel (InterruptibleChannel): refuse instead (issue 13)
            throw new InterruptedIOException("interrupted while waiting for the peer's bytes");
        }
    }

    /** A channel's "closed" errors as a socket's, so that callers see one kind of failure on either path. */
    private static IOException closedAsSocket(IOException e) {
        if (e instanceof SocketException) {
            return e;
        }
        String msg = e instanceof ClosedChannelException ? "Socket closed" : e.getMessage();
        SocketException s = new SocketException(msg);
        s.initCause(e);
        return s;
    }

    /** {@return whether the channel is open} For tests. */
    public boolean isOpen() {
        return ch.isOpen() && sel.isOpen();
    }
}
