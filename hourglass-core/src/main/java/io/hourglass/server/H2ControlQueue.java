package io.hourglass.server;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import java.util.Arrays;

/**
 * The control frames an HTTP/2 connection has to send (SETTINGS and its ACK, PING and PING ACK, WINDOW_UPDATE,
 * RST_STREAM, GOAWAY), serialized as they are queued, so that the reading thread hands one over with a few
 * stores and no allocation. Bounded: past {@value #MAX_FRAMES} frames queued while the socket does not take
 * them (a peer that never reads), {@link #add} says so and the connection gives up on the peer (Go's bound,
 * maxQueuedControlFrames). Guarded by the connection's lock.
 */
final class H2ControlQueue {
    /** The most control frames queued while the socket does not take them. */
    static final int MAX_FRAMES = 10_000;

    private byte[] bytes = new byte[128];
    private int len;
    private int frames;
    private byte[] spare;             // the previous batch's array, back for reuse

    boolean isEmpty() {
        return len == 0;
    }

    /** The queued bytes for a batch; the queue starts over empty. Returns null when empty. */
    byte[] take() {
        if (len == 0) {
            return null;
        }
        byte[] b = bytes;
        bytes = spare != null ? spare : new byte[128];
        spare = null;
        return b;
    }

    /** The length of what {@link #take} returned; call before the next add. */
    int takenLength() {
        int n = len;
        len = 0;
        frames = 0;
        return n;
    }

    /** A batch's array, written: kept for the next {@link #take} (small ones only). */
    void giveBack(byte[] b) {
        if (spare == null && b.length <= 4096) {
            spare = b;
        }
    }

    /** Returns false when this frame is past the bound. */
    boolean settings(Settings s) {
        int n = 0;
        for (int id = 1; id <= 6; id++) {
            n += s.value(id) != Settings.DEFAULTS.value(id) ? 1 : 0;
        }
        header(6 * n, Frame.SETTINGS, 0, 0);
        for (int id = 1; id <= 6; id++) {
            long v = s.value(id);
            if (v != Settings.DEFAULTS.value(id)) {
                put16(id);
                put32((int) v);
            }
        }
        return added();
    }

    boolean settingsAck() {
        header(0, Frame.SETTINGS, Frame.FLAG_ACK, 0);
        return added();
    }

    boolean ping(long data, boolean ack) {
        header(8, Frame.PING, ack ? Frame.FLAG_ACK : 0, 0);
        put32((int) (data >>> 32));
        put32((int) data);
        return added();
    }

    boolean windowUpdate(int streamId, int increment) {
        header(4, Frame.WINDOW_UPDATE, 0, streamId);
        put32(increment);
        return added();
    }

    boolean rstStream(int streamId, ErrorCode code) {
        header(4, Frame.RST_STREAM, 0, streamId);
        put32(code.code);
        return added();
    }

    boolean goAway(int lastStreamId, ErrorCode code, byte[] debug) {
        header(8 + debug.length, Frame.GOAWAY, 0, 0);
        put32(lastStreamId);
        put32(code.code);
        room(debug.length);
        System.arraycopy(debug, 0, bytes, len, debug.length);
        len += debug.length;
        return added();
    }

    private boolean added() {
        return ++frames <= MAX_FRAMES;
    }

    private void header(int length, int type, int flags, int streamId) {
        room(Frame.HEADER_LENGTH + 8);
        byte[] b = bytes;
        int p = len;
        b[p] = (byte) (length >>> 16);
        b[p + 1] = (byte) (length >>> 8);
        b[p + 2] = (byte) length;
        b[p + 3] = (byte) type;
        b[p + 4] = (byte) flags;
        len = p + 5;
        put32(streamId);
    }

    private void put16(int v) {
        room(2);
        bytes[len++] = (byte) (v >>> 8);
        bytes[len++] = (byte) v;
    }

    private void put32(int v) {
        room(4);
        byte[] b = bytes;
        int p = len;
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        len = p + 4;
    }

    private void room(int n) {
        if (bytes.length - len < n) {
            bytes = Arrays.copyOf(bytes, Math.max(len + n, 2 * bytes.length));
        }
    }
}
