package io.hourglass.client;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The response body of one {@link Exchange} as its caller reads it (the source under
 * {@link ClientResponse#body()}), and the one decision of how it ends, which four parties may race for:
 * <ul>
 *   <li>the caller reads it to its end: the connection goes back to the pool ({@link Carrier.Stream#complete});
 *   <li>the caller closes it before its end: the connection follows the timeout policy (drained or closed);
 *   <li>the call's deadline passes while nobody reads or closes it: the timer gives it up ({@link #expired});
 *   <li>the response becomes unreachable without being closed: the leak detector gives it up ({@link #leaked}).
 * </ul>
 * A read in progress keeps the timer and a concurrent close out: the reader is woken by the alarm and fails with
 * the timeout itself, and a close waits for the last reader out. The decision is one {@code int} changed by
 * compare-and-set: no lock object per call.
 */
final class ExchangeBody extends InputStream {
    // ENDED: the body is done with (read to its end, closed, failed or given up), set once. ABANDON: closed while
    // a read was in progress; the last reader out gives it up. The low bits: reads in progress.
    private static final int ENDED = 1 << 30, ABANDON = 1 << 29;
    private static final int READERS = ABANDON - 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ExchangeBody.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Exchange x;
    private final Carrier.Stream stream;
    // The bits above. Volatile: the caller's thread, the timer's and the leak detector's (Cleaner) all read it.
    private volatile int state;

    ExchangeBody(Exchange x, Carrier.Stream stream) {
        this.x = x;
        this.stream = stream;
    }

    // ---- the caller's side ----

    @Override
    public int read() throws IOException {
        throw new UnsupportedOperationException(); // ClientResponse's Body reads arrays only
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (!enter()) {
            return -1;
        }
        int n;
        try {
            n = stream.readBody(b, off, len);
        } catch (IOException e) {
            exit();
            throw fail(e);
        }
        exit();
        if (n < 0 || stream.bodyComplete()) {
            finish();
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return (state & ENDED) != 0 ? 0 : stream.bodyAvailable();
    }

    /** The caller closed the body, before its end or after: the connection follows the timeout policy. */
    @Override
    public void close() {
        while (true) {
            int v = state;
            if ((v & ENDED) != 0) {
                return;
            }
            if ((v & READERS) > 0) {
                if (STATE.compareAndSet(this, v, v | ABANDON)) {
                    return; // the last reader out gives it up
                }
                continue;
            }
            if (STATE.compareAndSet(this, v, v | ENDED)) {
                break;
            }
        }
        if (stream.bodyComplete()) {
            stream.complete();
            return;
        }
        giveUp();
    }

    /** The body was read to its end (or came complete with the head): the connection goes back to the pool. */
    void finish() {
        if (!endOnce()) {
            return;
        }
        x.listener().bodyDone(x.req, stream.connectionId(), stream.bodyDelivered());
        stream.complete();
    }

    /** Returns false when the body has been read to its end (the read returns -1); else counts a reader in. */
    private boolean enter() throws IOException {
        while (true) {
            int v = state;
            if ((v & ENDED) != 0) {
                if (stream.bodyComplete()) {
                    return false;
                }
                throw x.bodyGivenUp(); // abandoned: the deadline passed while nobody was reading, or a cancel
            }
            if (STATE.compareAndSet(this, v, v + 1)) {
                return true;
            }
        }
    }

    /** Counts a reader out; the last one out of a body closed meanwhile gives it up. */
    private void exit() {
        boolean abandon;
        while (true) {
            int v = state;
            int next = v - 1;
            abandon = (v & ABANDON) != 0 && (next & READERS) == 0 && (v & ENDED) == 0;
            if (abandon) {
                next |= ENDED;
            }
            if (STATE.compareAndSet(this, v, next)) {
                break;
            }
        }
        if (abandon) {
            giveUp();
        }
    }

    /** A read failed: the first to end the body reports the call's failure (the connection follows it). */
    private IOException fail(IOException e) {
        if (!endOnce()) {
            return x.translate(e);
        }
        return x.fail(stream, e);
    }

    // ---- the timer's and the leak detector's side ----

    /**
     * The call's deadline passed (on the timer thread): true when nobody reads the body and this ended it, and
     * the caller of this method frees the connection; false when it had ended, or a reader is woken by the
     * alarm and fails with the timeout itself.
     */
    boolean expired() {
        while (true) {
            int v = state;
            if ((v & ENDED) != 0 || (v & READERS) > 0) {
                return false;
            }
            if (STATE.compareAndSet(this, v, v | ENDED)) {
                return true;
            }
        }
    }

    /** Abandons a response that became unreachable without being closed (see {@link ClientResponse}). */
    void leaked() {
        if (endOnce()) {
            giveUp();
        }
    }

    /** The connection follows the timeout policy: the rest of the body is drained, or the connection closed. */
    void giveUp() {
        stream.abandon(x.config().timeoutPolicy(), "body not read to its end");
    }

    /** Marks the body ended; true only for the one caller that ended it. */
    private boolean endOnce() {
        while (true) {
            int v = state;
            if ((v & ENDED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, v, v | ENDED)) {
                return true;
            }
        }
    }
}
