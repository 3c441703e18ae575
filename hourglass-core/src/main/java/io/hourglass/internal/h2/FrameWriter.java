package io.hourglass.internal.h2;

import io.hourglass.internal.h1.OutBuffer;
import java.io.IOException;

/**
 * Writes HTTP/2 frames (RFC 9113 section 6) into a connection's {@link OutBuffer}; nothing reaches the
 * socket before {@link #flush()} (or the buffer filling up). Header blocks larger than the peer's
 * SETTINGS_MAX_FRAME_SIZE are split into HEADERS (or PUSH_PROMISE) and CONTINUATION frames, written back to
 * back as section 4.3 requires.
 *
 * <p>Arguments that no correct connection passes (a DATA frame on stream 0, a payload larger than the
 * peer's maximum frame size, an increment out of range) throw {@link IllegalArgumentException}: they are
 * bugs of the caller, not of the peer. Padding is never written.
 *
 * <p>Not thread-safe. A connection whose streams write from several threads holds one lock around each
 * write (and around HPACK encoding together with its HEADERS frame: the peer decodes blocks in wire order).
 */
public final class FrameWriter {
    private final OutBuffer out;
    private final byte[] head = new byte[Frame.HEADER_LENGTH + 8]; // a header and up to 8 bytes of payload
    private int maxFrameSize = Frame.DEFAULT_MAX_FRAME_SIZE;

    public FrameWriter(OutBuffer out) {
        this.out = out;
    }

    /** The peer's SETTINGS_MAX_FRAME_SIZE: the largest payload written (16384 until its SETTINGS say more). */
    public void maxFrameSize(int size) {
        if (size < Frame.DEFAULT_MAX_FRAME_SIZE || size > Frame.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be within [16384, 16777215]: " + size);
        }
        maxFrameSize = size;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** The client's connection preface magic (section 3.4); a SETTINGS frame must follow it. */
    public void writePreface() throws IOException {
        out.write(Frame.preface());
    }

    /** A SETTINGS frame with every setting of {@code s} that differs from the RFC's initial value. */
    public void writeSettings(Settings s) throws IOException {
        int n = 0;
        for (int id = 1; id <= 6; id++) {
            n += s.value(id) != Settings.DEFAULTS.value(id) ? 1 : 0;
        }
        header(6 * n, Frame.SETTINGS, 0, 0);
        out.write(head, 0, Frame.HEADER_LENGTH);
        for (int id = 1; id <= 6; id++) {
            long v = s.value(id);
            if (v != Settings.DEFAULTS.value(id)) {
                head[0] = 0;
                head[1] = (byte) id;
                put32(2, (int) v);
                out.write(head, 0, 6);
            }
        }
    }

    /** A SETTINGS frame with the ACK flag (section 6.5.3). */
    public void writeSettingsAck() throws IOException {
        header(0, Frame.SETTINGS, Frame.FLAG_ACK, 0);
        out.write(head, 0, Frame.HEADER_LENGTH);
    }

    /**
     * Encodes {@code fields} with {@code encoder} and writes the block as HEADERS (+ CONTINUATION) frames.
     * Call both under the connection's write lock: blocks must reach the peer in the order encoded.
     */
    public void writeHeaders(int streamId, HpackEncoder encoder, FieldList fields, boolean endStream) throws IOException {
        int len = encoder.encode(fields);
        writeHeaders(streamId, encoder.buffer(), 0, len, endStream);
    }

    /** An encoded header block as a HEADERS frame, and CONTINUATION frames for what does not fit in it. */
    public void writeHeaders(int streamId, byte[] block, int off, int len, boolean endStream) throws IOException {
        requireStream(streamId, Frame.HEADERS);
        int first = Math.min(len, maxFrameSize);
        int flags = (endStream ? Frame.FLAG_END_STREAM : 0) | (first == len ? Frame.FLAG_END_HEADERS : 0);
        header(first, Frame.HEADERS, flags, streamId);
        out.write(head, 0, Frame.HEADER_LENGTH);
        out.write(block, off, first);
        continuations(streamId, block, off + first, len - first);
    }

    /** A PUSH_PROMISE frame (and CONTINUATION frames) promising {@code promisedStreamId} (section 6.6). */
    public void writePushPromise(int streamId, int promisedStreamId, byte[] block, int off, int len) throws IOException {
        requireStream(streamId, Frame.PUSH_PROMISE);
        requireStream(promisedStreamId, Frame.PUSH_PROMISE);
        int first = Math.min(len, maxFrameSize - 4);
        header(4 + first, Frame.PUSH_PROMISE, first == len ? Frame.FLAG_END_HEADERS : 0, streamId);
        put32(Frame.HEADER_LENGTH, promisedStreamId);
        out.write(head, 0, Frame.HEADER_LENGTH + 4);
        out.write(block, off, first);
        continuations(streamId, block, off + first, len - first);
    }

    private void continuations(int streamId, byte[] block, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, maxFrameSize);
            header(n, Frame.CONTINUATION, n == len ? Frame.FLAG_END_HEADERS : 0, streamId);
            out.write(head, 0, Frame.HEADER_LENGTH);
            out.write(block, off, n);
            off += n;
            len -= n;
        }
    }

    /**
     * A DATA frame of {@code len} bytes, at most the peer's maximum frame size; the caller has taken
     * {@code len} from the stream's and the connection's send windows.
     */
    public void writeData(int streamId, byte[] b, int off, int len, boolean endStream) throws IOException {
        requireStream(streamId, Frame.DATA);
        if (len > maxFrameSize) {
            throw new IllegalArgumentException("DATA payload of " + len + " bytes exceeds the peer's max frame size " + maxFrameSize);
        }
        header(len, Frame.DATA, endStream ? Frame.FLAG_END_STREAM : 0, streamId);
        out.write(head, 0, Frame.HEADER_LENGTH);
        out.write(b, off, len);
    }

    /** A PRIORITY frame (section 6.3); {@code weight} from 1 to 256. */
    public void writePriority(int streamId, int dependency, boolean exclusive, int weight) throws IOException {
        requireStream(streamId, Frame.PRIORITY);
        if (weight < 1 || weight > 256 || dependency < 0) {
            throw new IllegalArgumentException("PRIORITY weight " + weight + " or dependency " + dependency + " out of range");
        }
        header(5, Frame.PRIORITY, 0, streamId);
        put32(Frame.HEADER_LENGTH, dependency | (exclusive ? 0x8000_0000 : 0));
        head[Frame.HEADER_LENGTH + 4] = (byte) (weight - 1);
        out.write(head, 0, Frame.HEADER_LENGTH + 5);
    }

    /** An RST_STREAM frame (section 6.4). */
    public void writeRstStream(int streamId, ErrorCode code) throws IOException {
        requireStream(streamId, Frame.RST_STREAM);
        header(4, Frame.RST_STREAM, 0, streamId);
        put32(Frame.HEADER_LENGTH, code.code);
        out.write(head, 0, Frame.HEADER_LENGTH + 4);
    }

    /** A PING frame (section 6.7) with 8 bytes of opaque data; an answer has {@code ack} and the same data. */
    public void writePing(long data, boolean ack) throws IOException {
        header(8, Frame.PING, ack ? Frame.FLAG_ACK : 0, 0);
        put32(Frame.HEADER_LENGTH, (int) (data >>> 32));
        put32(Frame.HEADER_LENGTH + 4, (int) data);
        out.write(head, 0, Frame.HEADER_LENGTH + 8);
    }

    /** A GOAWAY frame (section 6.8); {@code debug} may be empty and must fit in one frame with the 8 fixed bytes. */
    public void writeGoAway(int lastStreamId, ErrorCode code, byte[] debug) throws IOException {
        if (lastStreamId < 0 || debug.length > maxFrameSize - 8) {
            throw new IllegalArgumentException("GOAWAY last stream id " + lastStreamId + " or debug data of " + debug.length + " bytes out of range");
        }
        header(8 + debug.length, Frame.GOAWAY, 0, 0);
        put32(Frame.HEADER_LENGTH, lastStreamId);
        put32(Frame.HEADER_LENGTH + 4, code.code);
        out.write(head, 0, Frame.HEADER_LENGTH + 8);
        out.write(debug, 0, debug.length);
    }

    /** A WINDOW_UPDATE frame (section 6.9) for a stream, or for the connection on stream 0. */
    public void writeWindowUpdate(int streamId, int increment) throws IOException {
        if (increment < 1 || streamId < 0) {
            throw new IllegalArgumentException("WINDOW_UPDATE increment " + increment + " on stream " + streamId + " out of range");
        }
        header(4, Frame.WINDOW_UPDATE, 0, streamId);
        put32(Frame.HEADER_LENGTH, increment);
        out.write(head, 0, Frame.HEADER_LENGTH + 4);
    }

    /**
     * Any frame, unchecked: for tests that need malformed frames and for extension frame types. The
     * payload is written as given, so the length must fit the 24-bit field.
     */
    public void writeRawFrame(int type, int flags, int streamId, byte[] payload, int off, int len) throws IOException {
        header(len, type, flags, streamId);
        out.write(head, 0, Frame.HEADER_LENGTH);
        out.write(payload, off, len);
    }

    /** Sends what is buffered. */
    public void flush() throws IOException {
        out.flush();
    }

    private void header(int length, int type, int flags, int streamId) {
        head[0] = (byte) (length >>> 16);
        head[1] = (byte) (length >>> 8);
        head[2] = (byte) length;
        head[3] = (byte) type;
        head[4] = (byte) flags;
        put32(5, streamId);
    }

    private void put32(int at, int v) {
        head[at] = (byte) (v >>> 24);
        head[at + 1] = (byte) (v >>> 16);
        head[at + 2] = (byte) (v >>> 8);
        head[at + 3] = (byte) v;
    }

    private static void requireStream(int streamId, int type) {
        if (streamId <= 0) {
            throw new IllegalArgumentException(Frame.typeName(type) + " frame needs a stream id > 0, not " + streamId);
        }
    }
}
