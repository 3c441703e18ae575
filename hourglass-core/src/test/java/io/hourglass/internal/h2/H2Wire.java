package io.hourglass.internal.h2;

import io.hourglass.internal.h1.InBuffer;
import io.hourglass.internal.h1.OutBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test helpers: hex, raw frames, a reader over bytes, and a listener that records what it is told. */
final class H2Wire {
    static final byte[] EMPTY_SETTINGS = frame(Frame.SETTINGS, 0, 0);

    private H2Wire() {}

    /** Bytes from hex with any spaces, as RFC 7541 prints its examples. */
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", "").replace("\n", ""));
    }

    static String hex(byte[] b, int off, int len) {
        return HexFormat.of().formatHex(b, off, off + len);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One raw frame: header and payload, no check at all. */
    static byte[] frame(int type, int flags, int streamId, byte... payload) {
        byte[] f = new byte[Frame.HEADER_LENGTH + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (streamId >>> 24);
        f[6] = (byte) (streamId >>> 16);
        f[7] = (byte) (streamId >>> 8);
        f[8] = (byte) streamId;
        System.arraycopy(payload, 0, f, Frame.HEADER_LENGTH, payload.length);
        return f;
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] int32(int v) {
        return bytes(v >>> 24, v >>> 16, v >>> 8, v);
    }

    /** A source that hands out {@code wire} in pieces of at most {@code piece} bytes, then end of stream. */
    static InBuffer input(byte[] wire, int piece) {
        int[] at = {0};
        return new InBuffer((b, off, len) -> {
            if (at[0] == wire.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, piece), wire.length - at[0]);
            System.arraycopy(wire, at[0], b, off, n);
            at[0] += n;
            return n;
        }, 1024, Frame.MAX_MAX_FRAME_SIZE + Frame.HEADER_LENGTH);
    }

    /** A server-side reader over {@code wire}, whose first frame (a SETTINGS frame) is expected in it. */
    static FrameReader serverReader(byte[] wire, int piece) {
        return FrameReader.forServer(input(wire, piece), new HpackDecoder(Settings.UNLIMITED));
    }

    /** Reads every frame of {@code frames} after an empty SETTINGS frame, and returns what was reported. */
    static List<String> readAll(byte[]... frames) throws IOException {
        return readAll(serverReader(concat(EMPTY_SETTINGS, concat(frames)), 7));
    }

    static List<String> readAll(FrameReader r) throws IOException {
        Recorder rec = new Recorder();
        while (r.readFrame(rec)) {
            // keep reading
        }
        rec.events.remove("SETTINGS []"); // the preface's empty SETTINGS
        return rec.events;
    }

    /** An OutBuffer that collects what is flushed. */
    static final class Collected {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final OutBuffer out = new OutBuffer((b, off, len) -> bytes.write(b, off, len), 512);

        byte[] flushed() throws IOException {
            out.flush();
            return bytes.toByteArray();
        }
    }

    /** Records each callback as one line of text. */
    static class Recorder implements FrameListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onData(int streamId, byte[] buf, int off, int len, boolean endStream, int flowControlled) {
            events.add("DATA " + streamId + " '" + new String(buf, off, len, java.nio.charset.StandardCharsets.ISO_8859_1)
                    + "'" + (endStream ? " END_STREAM" : "") + " fc=" + flowControlled);
        }

        @Override
        public void onHeaders(int streamId, FieldList fields, boolean endStream) {
            events.add("HEADERS " + streamId + " " + fields(fields) + (endStream ? " END_STREAM" : ""));
        }

        @Override
        public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
            events.add("PRIORITY " + streamId + " dep=" + dependency + (exclusive ? " exclusive" : "") + " weight=" + weight);
        }

        @Override
        public void onRstStream(int streamId, int errorCode) {
            events.add("RST_STREAM " + streamId + " " + ErrorCode.nameOf(errorCode));
        }

        @Override
        public void onSettings(Settings.Entries entries) {
            StringBuilder sb = new StringBuilder("SETTINGS [");
            for (int i = 0; i < entries.count(); i++) {
                sb.append(i == 0 ? "" : ", ").append(entries.id(i)).append('=').append(entries.value(i));
            }
            events.add(sb.append(']').toString());
        }

        @Override
        public void onSettingsAck() {
            events.add("SETTINGS ACK");
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId, FieldList fields) {
            events.add("PUSH_PROMISE " + streamId + " promised=" + promisedStreamId + " " + fields(fields));
        }

        @Override
        public void onPing(long data, boolean ack) {
            events.add("PING " + Long.toHexString(data) + (ack ? " ACK" : ""));
        }

        @Override
        public void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) {
            events.add("GOAWAY last=" + lastStreamId + " " + ErrorCode.nameOf(errorCode) + " '"
                    + new String(debug, off, len, java.nio.charset.StandardCharsets.ISO_8859_1) + "'");
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            events.add("WINDOW_UPDATE " + streamId + " +" + increment);
        }

        @Override
        public void onUnknownFrame(int type, int flags, int streamId, int length) {
            events.add("UNKNOWN type=" + type + " stream=" + streamId + " length=" + length);
        }

        static String fields(FieldList f) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < f.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(f.name(i)).append('=').append(f.value(i));
            }
            return sb.append(f.overLimit() ? "] OVER_LIMIT" : "]").toString();
        }
    }
}
