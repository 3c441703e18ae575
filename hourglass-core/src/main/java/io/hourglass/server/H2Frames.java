package io.hourglass.server;

import static io.hourglass.internal.h2.ErrorCode.ENHANCE_YOUR_CALM;
import static io.hourglass.internal.h2.ErrorCode.PROTOCOL_ERROR;
import static io.hourglass.internal.h2.ErrorCode.STREAM_CLOSED;

import io.hourglass.http.Headers;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.FlowWindow;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.FrameListener;
import io.hourglass.internal.h2.H2Exception;
import io.hourglass.internal.h2.H2Messages;
import io.hourglass.internal.h2.H2RequestHead;
import io.hourglass.internal.h2.Settings;
import java.io.IOException;

/**
 * What the server does with each frame the client sends (RFC 9113 sections 5 and 6): the rules that need the
 * connection's state, which the codec leaves to it. Stream states and ids, MAX_CONCURRENT_STREAMS, flow
 * control of what comes in, content-length against DATA, trailers, SETTINGS and PING, and the flood counters
 * (PING, SETTINGS, PRIORITY, empty DATA and unknown frames count against {@link Http2Config#maxControlFrames()}).
 * Called on the reading thread; each callback takes the connection's lock. A callback throws an
 * {@link H2Exception}: a stream error resets that stream (see {@link #streamError}), a connection error ends the
 * connection with GOAWAY.
 */
final class H2Frames implements FrameListener {
    private final H2Conn c;
    private final H2Dispatch d;
    /** Our receive window for the whole connection; guarded by the connection's lock. */
    private final FlowWindow recvWindow = new FlowWindow(0, Frame.DEFAULT_WINDOW);

    H2Frames(H2Conn c) {
        this.c = c;
        this.d = c.dispatch;
    }

    // ---- flow control of what the client sends (section 6.9), under the lock ----

    /** The connection window grew by our WINDOW_UPDATE (the configured size, after the preface). */
    void grow(int n) {
        try {
            recvWindow.credit(n);
        } catch (H2Exception impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** The handler read {@code n} body bytes: the client may send as many again. */
    void consumed(H2Stream s, int n) {
        if (!s.remoteClosed) {
            int inc = s.recvWindow.release(n, c.h2.initialStreamWindow() / 2);
            if (inc > 0) {
                c.writer.windowUpdate(s.id, inc);
            }
        }
        returnToConnection(n);
    }

    /** Bytes the connection window counted that nobody will read (padding, a stream gone, a body left unread). */
    void returnToConnection(int n) {
        if (n > 0 && !c.failed) {
            int inc = recvWindow.release(n, c.h2.connectionWindow() / 2);
            if (inc > 0) {
                c.writer.windowUpdate(0, inc);
            }
        }
    }

    /** After each frame: liveness. */
    void afterFrame() {
        c.timers.frameRead();
    }

    /** A stream error the codec or a callback found: RST_STREAM, and the connection goes on (section 5.4.2). */
    void streamError(H2Exception e) throws H2Exception {
        c.lock.lock();
        try {
            H2Stream s = d.get(e.streamId());
            if (s != null && !s.reset) {
                d.resetForClient(s, e.code(), e.getMessage());
            } else if (!d.recentlyReset(e.streamId())) {
                d.resetUnknown(e.streamId(), e.code());
            } else {
                controlFrame(); // a bad frame on a stream we reset lately: ignored, but not for free
            }
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onData(int id, byte[] buf, int off, int len, boolean endStream, int flowControlled) throws IOException {
        c.lock.lock();
        try {
            recvWindow.receive(flowControlled); // counted even for a stream that is gone (section 6.9)
            H2Stream s = d.get(id);
            if (s == null || s.remoteClosed) {
                returnToConnection(flowControlled);
                closedStreamData(id, s);
                return;
            }
            s.recvWindow.receive(flowControlled);
            if (flowControlled > len) {
                consumed(s, flowControlled - len); // padding takes window but is nobody's to read
            }
            if (len == 0 && !endStream) {
                controlFrame(); // an empty DATA frame that ends nothing is work for nothing (Netty's limit is 2)
            }
            s.received += len;
            long declared = s.head == null ? -1 : s.head.contentLength();
            if (declared >= 0 && (s.received > declared || (endStream && s.received != declared))) {
                returnToConnection(len);
                throw H2Exception.stream(id, PROTOCOL_ERROR, "malformed request: DATA of " + s.received
                        + " bytes against content-length " + declared + " (section 8.1.1)");
            }
            if (s.phase == H2Stream.SENDING || s.reset) {
                consumed(s, len); // the handler is gone: nobody reads it
            } else {
                s.data(buf, off, len);
            }
            if (endStream) {
                s.remoteClosed = true;
                s.wake();
                d.settle(s);
            }
        } finally {
            c.lock.unlock();
        }
    }

    private void closedStreamData(int id, H2Stream s) throws H2Exception {
        if (s == null && id > d.lastStreamId()) {
            throw H2Exception.connection(PROTOCOL_ERROR, "DATA frame on idle stream " + id + " (section 5.1)");
        }
        if ((s != null && s.reset && !s.resetByPeer) || (s == null && d.recentlyReset(id))) {
            return; // sent before the client saw our RST_STREAM: ignored (section 5.1, "closed")
        }
        throw H2Exception.stream(id, STREAM_CLOSED, "DATA frame on a closed stream (section 6.1)");
    }

    @Override
    public void onHeaders(int id, FieldList fields, boolean endStream) throws IOException {
        c.lock.lock();
        try {
            H2Stream s = d.get(id);
            if (s != null) {
                trailers(s, fields, endStream);
                return;
            }
            if (id <= d.lastStreamId()) {
                if (d.recentlyReset(id)) {
                    return; // trailers the client sent before it saw our reset
                }
                // A closed stream, or one the client skipped (closed implicitly): either way not a new stream id
                // (section 5.1.1), as Go answers it too.
                throw H2Exception.connection(PROTOCOL_ERROR, "HEADERS frame on stream " + id
                        + ", not above the last stream opened, " + d.lastStreamId() + " (section 5.1.1)");
            }
            d.taken(id);
            if (c.refuses(id)) {
                return; // after our final GOAWAY: not processed; the client may retry it elsewhere (section 6.8)
            }
            newStream(id, fields, endStream);
            if (id == Frame.MAX_STREAM_ID) {
                c.finalGoAway(); // no stream id is left for the client: it must move to a new connection
            }
        } finally {
            c.lock.unlock();
        }
    }

    private void newStream(int id, FieldList fields, boolean endStream) throws H2Exception {
        if (d.overOpenLimit() && c.settingsAcked) {
            d.refuse(id); // section 5.1.2: over the limit the client acknowledged
            return;
        }
        long now = c.clock.nanoTime();
        if (fields.overLimit() || fields.size() > c.cfg.maxHeaderCount() + 4) {
            // The HPACK state is intact (the decoder read the whole block): only this request is refused, with
            // 431 as on HTTP/1.1 (section 10.5.1).
            c.metrics.limit(fields.overLimit() ? ServerMetrics.Limit.HEADER_TOO_LARGE : ServerMetrics.Limit.TOO_MANY_HEADERS);
            H2Stream s = new H2Stream(c, id, null, now, c.h2.initialStreamWindow(), c.peer.initialWindowSize());
            s.remoteClosed = endStream;
            d.openAnswered(s, 431, "request header fields too large");
            return;
        }
        H2RequestHead head = H2Messages.request(id, fields); // malformed: a stream error PROTOCOL_ERROR
        H2Stream s = new H2Stream(c, id, head, now, c.h2.initialStreamWindow(), c.peer.initialWindowSize());
        s.remoteClosed = endStream;
        s.expectContinue = !endStream && head.headers().hasToken("expect", "100-continue");
        s.headerDeadline = RequestDeadline.found(c.cfg, head.headers(), now);
        String target = head.path() != null ? head.path() : head.authority();
        long length = head.contentLength() >= 0 ? head.contentLength() : endStream ? 0 : -1;
        s.request = new Request(head.method(), target, head.headers(), length, s, now);
        s.response = new Response(s, head.method());
        d.open(s);
    }

    /** A second HEADERS on an open stream: the trailer section, which must end the stream (section 8.1). */
    private void trailers(H2Stream s, FieldList fields, boolean endStream) throws H2Exception {
        if (s.remoteClosed) {
            if (s.reset && !s.resetByPeer) {
                return; // sent before the client saw our reset
            }
            if (!s.reset && s.out.endQueued()) {
                // Both ends sent END_STREAM: the stream is closed (section 5.1), whether or not its handler has
                // returned yet (its slot stays taken until then). Our END_STREAM may still be on its way, but a
                // client that sends HEADERS after it has seen it is told the same every time.
                throw H2Exception.connection(STREAM_CLOSED, "HEADERS frame on closed stream " + s.id + " (section 5.1)");
            }
            throw H2Exception.stream(s.id, STREAM_CLOSED, "HEADERS frame on a half-closed stream (section 5.1)");
        }
        if (!endStream) {
            throw H2Exception.stream(s.id, PROTOCOL_ERROR, "malformed request: a second HEADERS frame without "
                    + "END_STREAM (section 8.1)");
        }
        if (fields.overLimit()) {
            throw H2Exception.stream(s.id, ErrorCode.PROTOCOL_ERROR, "trailer section over the header list limit");
        }
        Headers t = H2Messages.trailers(s.id, fields);
        long declared = s.head == null ? -1 : s.head.contentLength();
        if (declared >= 0 && s.received != declared) {
            throw H2Exception.stream(s.id, PROTOCOL_ERROR, "malformed request: body of " + s.received
                    + " bytes against content-length " + declared + " (section 8.1.1)");
        }
        s.trailers(t);
        s.remoteClosed = true;
        d.settle(s);
    }

    @Override
    public void onPriority(int id, int dependency, boolean exclusive, int weight) throws IOException {
        c.lock.lock();
        try {
            controlFrame(); // deprecated and ignored (section 5.3.2), on any stream, idle ones included
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onRstStream(int id, int errorCode) throws IOException {
        c.lock.lock();
        try {
            if (id > d.lastStreamId()) {
                throw H2Exception.connection(PROTOCOL_ERROR, "RST_STREAM frame on idle stream " + id + " (section 6.4)");
            }
            H2Stream s = d.get(id);
            if (s != null) {
                d.peerReset(s, errorCode);
            } else {
                controlFrame(); // a reset of a stream already closed: nothing to do, and not for free
            }
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onSettings(Settings.Entries entries) throws IOException {
        c.lock.lock();
        try {
            controlFrame();
            Settings old = c.peer;
            Settings now = entries.applyTo(old);
            c.peer = now;
            long min = -1;
            long last = -1;
            for (int i = 0; i < entries.count(); i++) {
                if (entries.id(i) == Settings.HEADER_TABLE_SIZE) {
                    last = entries.value(i);
                    min = min < 0 ? last : Math.min(min, last);
                }
            }
            c.writer.peerSettings(now.maxFrameSize(), min, last);
            int delta = now.initialWindowSize() - old.initialWindowSize();
            if (delta != 0) {
                for (H2Stream s : d.table()) {
                    s.out.window.applyInitialDelta(delta); // may go negative (section 6.9.2)
                    s.out.windowOpened(c.writer);
                }
            }
            c.writer.settingsAck();
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onSettingsAck() throws IOException {
        c.lock.lock();
        try {
            c.oursAcknowledged();
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onPing(long data, boolean ack) throws IOException {
        c.lock.lock();
        try {
            if (ack) {
                c.timers.pingAcknowledged();
                if (data == H2Conn.SHUTDOWN_PING) {
                    c.finalGoAway(); // the client saw the first GOAWAY a round trip ago (section 6.8)
                }
                return;
            }
            controlFrame();
            c.writer.ping(data, true);
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) throws IOException {
        c.lock.lock();
        try {
            // The client will open no more streams (it promises nothing on ours: the server pushes none).
            // Those in flight finish; the connection then closes like after our own final GOAWAY.
            c.finalGoAway();
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onWindowUpdate(int id, int increment) throws IOException {
        c.lock.lock();
        try {
            if (id == 0) {
                c.writer.sendWindow.credit(increment); // FLOW_CONTROL_ERROR past 2^31-1 (section 6.9.1)
                c.writer.connectionWindowOpened();
                return;
            }
            H2Stream s = d.get(id);
            if (s == null) {
                if (id > d.lastStreamId()) {
                    throw H2Exception.connection(PROTOCOL_ERROR, "WINDOW_UPDATE frame on idle stream " + id);
                }
                return; // a closed stream: allowed a while after we ended it (section 5.1)
            }
            if (s.reset) {
                return;
            }
            s.out.window.credit(increment); // a stream error FLOW_CONTROL_ERROR past 2^31-1
            s.out.windowOpened(c.writer);
        } finally {
            c.lock.unlock();
        }
    }

    @Override
    public void onUnknownFrame(int type, int flags, int streamId, int length) throws IOException {
        c.lock.lock();
        try {
            controlFrame(); // ignored (section 5.5), but not for free
        } finally {
            c.lock.unlock();
        }
    }

    /** Counts a frame that carries no request; past the limit, the connection ends. Under the lock. */
    private void controlFrame() throws H2Exception {
        if (c.limits.controlFrames.add(c.clock.nanoTime())) {
            c.metrics.limit(ServerMetrics.Limit.CONTROL_FLOOD);
            throw H2Exception.connection(ENHANCE_YOUR_CALM, "more than " + c.h2.maxControlFrames()
                    + " PING, SETTINGS, PRIORITY, empty DATA or unknown frames in " + H2Conn.fmt(c.h2.limitWindow()));
        }
    }
}
