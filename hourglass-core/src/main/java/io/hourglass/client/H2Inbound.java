package io.hourglass.client;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.FieldList;
import io.hourglass.internal.h2.FrameListener;
import io.hourglass.internal.h2.H2Exception;
import io.hourglass.internal.h2.H2Messages;
import io.hourglass.internal.h2.H2ResponseHead;
import io.hourglass.internal.h2.Settings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames a client connection receives, applied to its streams and state: one object per connection, on
 * its reader thread. The codec ({@link io.hourglass.internal.h2.FrameReader}) has checked every frame-level
 * rule; what needs state is checked here: stream states (section 5.1), flow control (section 6.9), the
 * response's message rules (section 8.1) with content-length against DATA.
 *
 * <p><b>Flow control in.</b> The connection's receive window is credited as soon as DATA arrives: a stream's
 * unread bytes are bounded by that stream's window alone, which is credited only as its caller reads. So an
 * unread body stops its own stream after one window, and never the others (a slow reader holds no connection
 * credit). Go credits the connection as the body is read instead, with a 1 GiB connection window; both bound
 * memory by the streams' windows.
 */
final class H2Inbound implements FrameListener {
    private final H2Connection c;

    H2Inbound(H2Connection c) {
        this.c = c;
    }

    @Override
    public void onData(int id, byte[] b, int off, int len, boolean endStream, int flowControlled) throws IOException {
        c.recvWindow.receive(flowControlled); // a connection error when the server overran our window
        int connCredit = c.recvWindow.release(flowControlled, c.connWindowSize / 2); // credited at once, see above
        int streamCredit = 0;
        boolean closed = false;
        try {
            c.lock.lock();
            try {
                H2Stream s = c.streams.get(id);
                if (s == null) {
                    ignoreClosed(id, "DATA");
                    return;
                }
                if (s.remoteEnded) {
                    throw H2Exception.stream(id, ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
                }
                if (s.head == null) {
                    throw malformed(id, "DATA before the response head");
                }
                s.recvWindow.receive(flowControlled);
                s.deliver(b, off, len);
                if (flowControlled > len) {
                    streamCredit = s.recvWindow.release(flowControlled - len, 1); // padding: nobody reads it
                }
                long cl = s.head.contentLength();
                if (cl >= 0 && !s.bodyless && (s.received > cl || (endStream && s.received != cl))) {
                    throw malformed(id, "content-length " + cl + " but " + s.received + " bytes of DATA");
                }
                if (endStream) {
                    s.remoteEnded = true;
                    closed = c.closeIfEnded(s);
                }
                s.changed.signalAll();
            } finally {
                c.lock.unlock();
            }
        } finally {
            if (connCredit > 0) {
                c.sendWindowUpdate(0, connCredit);
            }
        }
        if (streamCredit > 0) {
            c.sendWindowUpdate(id, streamCredit);
        }
        if (closed) {
            c.events.capacity(); // the stream's slot is free: a call waiting for one may take it
        }
    }

    /** A response head for stream {@code s}: an interim one (1xx, 100 noted) or the final one. Under lock. */
    private void head(H2Stream s, int id, H2ResponseHead h, boolean endStream) throws H2Exception {
        if (!h.interim()) {
            s.head = h;
            s.bodyless |= h.status() == 204 || h.status() == 304;
            return;
        }
        if (endStream) {
            throw malformed(id, "interim response " + h.status() + " ends the stream");
        }
        s.continued |= h.status() == 100;
    }

    @Override
    public void onHeaders(int id, FieldList f, boolean endStream) throws IOException {
        boolean closed = false;
        c.lock.lock();
        try {
            H2Stream s = c.streams.get(id);
            if (s == null) {
                ignoreClosed(id, "HEADERS"); // the block was decoded: the HPACK state is intact
                return;
            }
            if (f.overLimit()) {
                throw H2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "response header section larger than "
                        + c.options.maxHeaderListSize() + " bytes (SETTINGS_MAX_HEADER_LIST_SIZE)");
            }
            if (s.remoteEnded) {
                throw H2Exception.stream(id, ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM");
            }
            if (s.head == null) {
                head(s, id, H2Messages.response(id, f), endStream);
            } else {
                if (!endStream) {
                    throw malformed(id, "a header section after the head that does not end the stream (trailers must)");
                }
                s.trailers = H2Messages.trailers(id, f);
            }
            if (endStream) {
                long cl = s.head.contentLength();
                if (cl > 0 && !s.bodyless && s.received != cl) {
                    throw malformed(id, "content-length " + cl + " but " + s.received + " bytes of DATA");
                }
                s.remoteEnded = true;
                closed = c.closeIfEnded(s);
            }
            s.changed.signalAll();
        } finally {
            c.lock.unlock();
        }
        if (closed) {
            c.events.capacity();
        }
    }

    @Override
    public void onRstStream(int id, int code) throws IOException {
        c.lock.lock();
        try {
            H2Stream s = c.streams.get(id);
            if (s == null) {
                ignoreClosed(id, "RST_STREAM");
                return;
            }
            c.removeStream(s);
            if (!s.remoteEnded) {
                // After a complete response, a reset (NO_ERROR asks us to stop sending, section 8.1) costs nothing.
                ErrorCode ec = ErrorCode.of(code);
                H2StreamException.Kind kind = code == ErrorCode.REFUSED_STREAM.code
                        ? H2StreamException.Kind.REFUSED : H2StreamException.Kind.RESET;
                s.fail(new H2StreamException(kind, id, ec, "stream reset by the server: " + ErrorCode.nameOf(code), null));
            }
            s.changed.signalAll();
        } finally {
            c.lock.unlock();
        }
        c.events.streamReset(id, true, code);
        c.events.capacity();
    }

    @Override
    public void onSettings(Settings.Entries entries) throws IOException {
        List<Long> tableSizes = new ArrayList<>(1);
        for (int i = 0; i < entries.count(); i++) {
            if (entries.id(i) == Settings.HEADER_TABLE_SIZE) {
                tableSizes.add(entries.value(i));
            }
        }
        Settings now;
        c.lock.lock();
        try {
            Settings old = c.peer;
            now = entries.applyTo(old);
            int delta = now.initialWindowSize() - old.initialWindowSize();
            for (H2Stream s : c.streams.values()) {
                s.sendWindow.applyInitialDelta(delta); // section 6.9.2; may go negative
                s.changed.signalAll();
            }
            c.peer = now;
            c.peerSettingsReceived = true;
            c.peerMaxFrameSize = now.maxFrameSize();
        } finally {
            c.lock.unlock();
        }
        c.ackSettings(now, tableSizes);
        c.events.capacity(); // the stream limit may have grown
    }

    @Override
    public void onSettingsAck() {
        // Our settings are in force. The decoder's table size is the default we announced (4096): nothing to do.
    }

    @Override
    public void onPing(long data, boolean ack) {
        if (ack) {
            c.liveness.acked(data);
        } else {
            c.sendPing(data, true);
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int code, byte[] debug, int off, int len) {
        boolean empty;
        c.lock.lock();
        try {
            c.goAwayLastId = c.goAwayLastId < 0 ? lastStreamId : Math.min(c.goAwayLastId, lastStreamId);
            for (H2Stream s : new ArrayList<>(c.streams.values())) {
                if (s.id > lastStreamId) {
                    // Section 6.8: streams above the last id were not processed; the call retries them elsewhere.
                    c.removeStream(s);
                    s.fail(new H2StreamException(H2StreamException.Kind.GOAWAY, s.id, ErrorCode.of(code),
                            "GOAWAY " + ErrorCode.nameOf(code) + " with last stream " + lastStreamId, null));
                }
            }
            empty = c.streams.isEmpty() && c.reserved == 0;
        } finally {
            c.lock.unlock();
        }
        c.events.goAwayReceived(lastStreamId, code);
        c.events.capacity();
        if (empty) {
            c.closeIfIdle("GOAWAY " + ErrorCode.nameOf(code) + " received");
        }
    }

    @Override
    public void onWindowUpdate(int id, int increment) throws IOException {
        c.lock.lock();
        try {
            if (id == 0) {
                c.sendWindow.credit(increment);
                for (H2Stream s : c.streams.values()) {
                    s.changed.signalAll();
                }
                return;
            }
            H2Stream s = c.streams.get(id);
            if (s == null) {
                ignoreClosed(id, "WINDOW_UPDATE");
                return;
            }
            s.sendWindow.credit(increment);
            s.changed.signalAll();
        } finally {
            c.lock.unlock();
        }
    }

    /**
     * A stream error: the stream is reset with the error's code and its caller fails (the frame that caused
     * it was consumed; the connection goes on).
     */
    void streamError(H2Exception e) {
        int id = e.streamId();
        c.lock.lock();
        try {
            H2Stream s = c.streams.get(id);
            if (s != null) {
                s.resetSent = true;
                c.removeStream(s);
                s.fail(new H2StreamException(H2StreamException.Kind.PROTOCOL, id, e.code(), e.getMessage(), e));
            }
        } finally {
            c.lock.unlock();
        }
        c.sendRst(id, e.code());
        c.events.streamReset(id, false, e.code().code);
        c.events.capacity();
    }

    /**
     * A frame for a stream not in the table: one we closed or reset is fine (frames in flight, section 5.1),
     * an idle one (never opened) is a connection error. Under lock.
     */
    private void ignoreClosed(int id, String type) throws H2Exception {
        if (id > c.lastStreamId || (id & 1) == 0) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, type + " frame on idle stream " + id);
        }
    }

    private static H2Exception malformed(int id, String what) {
        return H2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "malformed response: " + what);
    }
}
