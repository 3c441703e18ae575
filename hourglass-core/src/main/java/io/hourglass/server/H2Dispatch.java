package io.hourglass.server;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.H2Exception;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * The stream table of one HTTP/2 connection and the handlers' lives: a stream opens on its HEADERS, starts its
 * handler on a virtual thread of its own or waits in the queue, and leaves the table ("retires") once its
 * handler has returned and its response has left, or it was reset; see {@link H2Run} for the handler's thread.
 *
 * <p><b>Counting work, not streams.</b> At most {@code maxConcurrentStreams} handlers run at once; a stream
 * keeps its slot until its handler has returned, whoever reset it, so a client that resets streams as fast
 * as it opens them (Rapid Reset) or makes the server reset them (MadeYouReset) gets no more work done than
 * one that waits. Streams beyond that wait in a queue of at most four times as many (past it, GOAWAY
 * ENHANCE_YOUR_CALM); a queued stream that is reset leaves without running. The open streams of RFC 9113
 * section 5.1.2 are counted apart: once the client has acknowledged our SETTINGS, a stream over the limit is
 * refused. The client's resets and the server's resets caused by the client are counted in separate windows
 * ({@link H2Limits}).
 *
 * <p>Everything here is guarded by the connection's lock.
 */
final class H2Dispatch {
    private final H2Conn c;
    private final H2Run run;
    private final H2StreamTable streams = new H2StreamTable();
    private final ArrayDeque<H2Stream> queue = new ArrayDeque<>();
    private final int[] recentlyReset = new int[64]; // streams we reset lately: frames for them are ignored
    private int recentNext;
    private int lastStreamId;   // the highest stream id the client opened
    private int open;           // open or half-closed streams (section 5.1.2)
    private int running;        // handlers running
    private final int maxRunning;
    // Streams by gauge state (H2Stream.QUEUED, RUNNING, SENDING), for hourglass_h2_streams{state}, which a scrape
    // reads from here (ServerMetrics.attachConnections) instead of the stream moving shared gauge children: four
    // contended LongAdder updates per stream (issue 17). Written under the lock with release stores, read by a
    // scrape without it with acquire loads (COUNT), so a scrape sees each count as the lock holder left it.
    private final int[] byPhase = new int[3];
    private static final java.lang.invoke.VarHandle COUNT =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(int[].class);

    H2Dispatch(H2Conn c) {
        this.c = c;
        this.run = new H2Run(c, this);
        this.maxRunning = c.h2.maxConcurrentStreams();
    }

    H2Stream get(int id) {
        return streams.get(id);
    }

    /** A copy of the table's streams, to walk while it changes. */
    java.util.List<H2Stream> table() {
        return streams.snapshot();
    }

    int lastStreamId() {
        return lastStreamId;
    }

    /** Streams in the table: open, running their handler, or sending their response. */
    int held() {
        return streams.size();
    }

    int running() {
        return running;
    }

    /**
     * A stream moved between the gauge's states (H2Stream.QUEUED, RUNNING, SENDING; -1 for none). Under the lock.
     */
    private void moved(int from, int to) {
        if (from >= 0 && from < byPhase.length) {
            COUNT.setRelease(byPhase, from, byPhase[from] - 1);
        }
        if (to >= 0 && to < byPhase.length) {
            COUNT.setRelease(byPhase, to, byPhase[to] + 1);
        }
    }

    /** Streams in gauge state {@code phase} now (H2Stream.QUEUED, RUNNING, SENDING). Any thread, no lock. */
    int streamsIn(int phase) {
        return (int) COUNT.getAcquire(byPhase, phase);
    }

    /** Whether a new stream would be one more than the client may have open (section 5.1.2). */
    boolean overOpenLimit() {
        return open >= maxRunning;
    }

    /** Stream id {@code id} is taken by the client: the ones below it that it skipped are closed. */
    void taken(int id) {
        lastStreamId = id;
    }

    // ---- a stream's life ----

    /** A new stream: counted open, then its handler starts, or it waits for a slot. Reading thread. */
    void open(H2Stream s) throws H2Exception {
        streams.put(s);
        open++;
        c.timers.streamOpened(s);
        c.active(true);
        if (running < maxRunning && queue.isEmpty()) {
            start(s);
            return;
        }
        s.phase = H2Stream.QUEUED;
        moved(-1, H2Stream.QUEUED);
        queue.addLast(s);
        if (queue.size() > 4 * maxRunning) {
            c.metrics.limit(ServerMetrics.Limit.STREAM_QUEUE);
            throw H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + 4 * maxRunning
                    + " streams wait for one of the " + maxRunning + " handler slots");
        }
    }

    /**
     * A stream the server answers by itself, without a handler (431 for a header list over the limit): it
     * holds its place in the table until the answer has left. Reading thread.
     */
    void openAnswered(H2Stream s, int status, String message) {
        streams.put(s);
        open++;
        c.timers.streamOpened(s);
        c.active(true);
        s.phase = H2Stream.SENDING;
        moved(-1, H2Stream.SENDING);
        s.out.answer(status, message);
    }

    private void start(H2Stream s) {
        running++;
        moved(s.phase == H2Stream.QUEUED ? H2Stream.QUEUED : -1, H2Stream.RUNNING);
        s.phase = H2Stream.RUNNING;
        s.thread = Thread.ofVirtual().unstarted(s);
        s.thread.start();
    }

    /** The handler's thread of a stream. */
    void runHandler(H2Stream s) {
        run.run(s);
    }

    /** Its handler returned (the handler's thread): the slot goes to the next stream waiting. */
    void handlerDone(H2Stream s) {
        c.lock.lock();
        try {
            running--;
            s.thread = null;
            moved(H2Stream.RUNNING, H2Stream.SENDING);
            s.phase = H2Stream.SENDING;
            settle(s);
            while (running < maxRunning && !queue.isEmpty()) {
                start(queue.pollFirst());
            }
            c.handlerReturned();
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * Moves a stream on after any change: it leaves the open count when both its ends are closed, and the
     * table when also its handler is done (or never ran).
     */
    void settle(H2Stream s) {
        if (s.localClosed && s.remoteClosed && !s.countedClosed) {
            s.countedClosed = true;
            open--;
        }
        if (s.phase == H2Stream.SENDING && s.localClosed) {
            retire(s);
        }
    }

    /**
     * The stream leaves the table: its response has left (or it was reset) and its handler returned. A request
     * body the client is still sending is stopped with RST_STREAM NO_ERROR after the complete response
     * (section 8.1); what it left unread goes back to the connection window.
     */
    private void retire(H2Stream s) {
        if (!s.remoteClosed) {
            s.remoteClosed = true;
            if (!s.reset) {
                s.reset = true;
                c.writer.rstStream(s.id, ErrorCode.NO_ERROR);
                c.metrics.h2Reset(false, ErrorCode.NO_ERROR.code);
                remember(s.id);
            }
        }
        s.localClosed = true;
        if (!s.countedClosed) {
            s.countedClosed = true;
            open--;
        }
        c.frames.returnToConnection(s.discardBody());
        streams.remove(s.id);
        moved(s.phase, -1);
        s.phase = H2Stream.DONE;
        long now = c.clock.nanoTime(); // the response's end and, with no stream left, the idle clock's start
        run.counted(s, now);
        if (streams.isEmpty()) {
            c.active(false);
            c.timers.startIdle(now);
            c.endIfDone();
        }
    }

    /** Every stream left, once the connection is done. */
    void retireAll() {
        for (H2Stream s : streams.snapshot()) {
            if (s.phase == H2Stream.RUNNING) {
                continue; // not possible once running is 0; kept for safety
            }
            s.phase = s.phase == H2Stream.QUEUED ? H2Stream.QUEUED : H2Stream.SENDING;
            queue.remove(s);
            retire(s);
        }
    }

    // ---- resets ----

    /**
     * The server resets a stream for its own reasons (a timeout, a response cut short): RST_STREAM with
     * {@code code}; nothing more is sent on it and its handler's next write fails. Not counted against
     * {@link Http2Config#maxServerResets()}: a slow handler must not cost a healthy client its connection.
     */
    void reset(H2Stream s, ErrorCode code) {
        if (s.reset) {
            return;
        }
        s.reset = true;
        if (s.out.error == null) {
            s.out.error = new IOException("stream " + s.id + " was reset by the server: " + code);
        }
        s.out.dropPending();
        c.writer.rstStream(s.id, code);
        c.metrics.h2Reset(false, code.code);
        remember(s.id);
        closeBoth(s);
    }

    /**
     * The client broke a rule on a stream (a stream error, section 5.4.2): RST_STREAM with {@code code}, its
     * handler cancelled as if the client had reset it, and counted in the window of server resets (MadeYouReset:
     * the handler still holds its slot until it returns). Reading thread.
     */
    void resetForClient(H2Stream s, ErrorCode code, String why) throws H2Exception {
        if (!s.reset) {
            s.recvError = new EOFException("stream error " + code + ": " + why);
            reset(s, code);
            cancel(s, "stream error " + code, true);
        }
        countServerReset();
    }

    /** A stream error on a stream the table no longer holds (or never did): RST_STREAM alone. */
    void resetUnknown(int id, ErrorCode code) throws H2Exception {
        c.writer.rstStream(id, code);
        c.metrics.h2Reset(false, code.code);
        remember(id);
        countServerReset();
    }

    private void countServerReset() throws H2Exception {
        if (c.limits.serverResets.add(c.clock.nanoTime())) {
            c.metrics.limit(ServerMetrics.Limit.SERVER_RESETS);
            throw H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + c.h2.maxServerResets()
                    + " streams reset because of the client in " + H2Conn.fmt(c.h2.limitWindow()));
        }
    }

    /** A stream refused before anything was done for it (REFUSED_STREAM: safe to retry, section 8.7). */
    void refuse(int id) throws H2Exception {
        resetUnknown(id, ErrorCode.REFUSED_STREAM);
    }

    /** The client reset the stream (RST_STREAM): its handler is cancelled at once, as on a disconnect. */
    void peerReset(H2Stream s, int code) throws H2Exception {
        c.metrics.h2Reset(true, code);
        boolean over = c.limits.peerResets.add(c.clock.nanoTime());
        if (!s.reset) {
            s.reset = true;
            s.resetByPeer = true;
            String why = "client reset the stream (" + ErrorCode.nameOf(code) + ")";
            s.recvError = new EOFException(why);
            s.out.error = new EOFException(why);
            s.out.dropPending();
            closeBoth(s);
            cancel(s, why, true);
        }
        if (over) {
            c.metrics.limit(ServerMetrics.Limit.PEER_RESETS);
            throw H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + c.h2.maxPeerResets()
                    + " streams reset by the client in " + H2Conn.fmt(c.h2.limitWindow()));
        }
    }

    private void closeBoth(H2Stream s) {
        s.localClosed = true;
        s.remoteClosed = true;
        s.wake();
        settle(s);
    }

    /** Whether we reset stream {@code id} lately: late frames for it are ignored (section 5.1, "closed"). */
    boolean recentlyReset(int id) {
        for (int r : recentlyReset) {
            if (r == id) {
                return true;
            }
        }
        return false;
    }

    private void remember(int id) {
        recentlyReset[recentNext] = id;
        recentNext = (recentNext + 1) % recentlyReset.length;
    }

    // ---- cancellation ----

    /**
     * Cancels a stream's work: a queued stream leaves without running; a running handler's request is
     * cancelled and its thread interrupted, counted as {@code client_gone} when {@code clientGone}.
     */
    void cancel(H2Stream s, String why, boolean clientGone) {
        if (s.phase == H2Stream.QUEUED) {
            queue.remove(s);
            s.phase = H2Stream.QUEUED;
            retire(s); // never ran: none of its work was done
            return;
        }
        if (s.phase == H2Stream.RUNNING && s.request != null && !s.request.isCancelled()) {
            s.request.cancel(why);
            if (clientGone) {
                c.metrics.cancelled(ServerMetrics.CancelReason.CLIENT_GONE);
            }
            Thread t = s.thread;
            if (t != null) {
                c.writer.interrupt(t); // not while it writes to the socket: that would close it
            }
        }
    }

    /** Every stream: reset (nothing more is sent) and its handler cancelled. */
    void cancelAll(String why, boolean clientGone) {
        for (H2Stream s : streams.snapshot()) {
            if (!s.reset) {
                s.reset = true;
                s.recvError = new EOFException(why);
                s.out.error = new EOFException(why);
                s.out.dropPending();
                closeBoth(s);
            }
            cancel(s, why, clientGone && !s.countedGone);
            s.countedGone = true;
        }
    }

    // ---- the timer's verdicts (timer thread, under the lock) ----

    /** The handler timeout passed: cancel and interrupt; 503 if nothing was sent yet, else a reset. */
    void handlerTimedOut(H2Stream s) {
        run.timedOut(s);
    }

    /**
     * The write timeout or the minimum response rate passed: the stream is reset (CANCEL), its pending output
     * dropped, and the handler's next write fails with the stream's send error; counted once as a write
     * timeout, and as a slow reader when output was waiting for the client.
     */
    void writeTimeout(H2Stream s, boolean slowReader) {
        run.writeTimedOut(s, slowReader);
        reset(s, ErrorCode.CANCEL);
    }
}
