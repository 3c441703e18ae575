package io.hourglass.internal.h2;

import static io.hourglass.internal.h2.ErrorCode.FRAME_SIZE_ERROR;
import static io.hourglass.internal.h2.ErrorCode.PROTOCOL_ERROR;

import io.hourglass.internal.h1.InBuffer;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads HTTP/2 frames from a connection's {@link InBuffer} and reports each to a {@link FrameListener},
 * after checking every rule of RFC 9113 sections 4 to 6 that needs no connection state. Header blocks are
 * assembled ({@link HeaderBlockAssembler}) and decoded by the connection's {@link HpackDecoder} here, in
 * arrival order, so the HPACK state can never be skipped by mistake.
 *
 * <p>A frame is handed over once it is whole in the buffer, as a slice of it: no copy, no allocation per
 * frame apart from the Strings HPACK decodes. The buffer must be able to grow to the largest frame we
 * accept ({@link #maxFrameSize} + 9 bytes). Blocking happens only in the buffer's source; deadlines are the
 * connection's business.
 *
 * <p>Errors are {@link H2Exception}s: a connection error ends the connection; after a stream error the
 * frame has been consumed (its header block decoded) and reading can go on. End of stream before a frame
 * header is a clean end ({@code false}); in the middle of a frame or header block, an {@link EOFException}.
 *
 * <p>Not thread-safe: one reading thread per connection.
 */
public final class FrameReader {
    private final InBuffer in;
    private final HpackDecoder decoder;
    private final boolean server;
    private final HeaderBlockAssembler block = new HeaderBlockAssembler();
    private final FieldList fields = new FieldList();
    private final Settings.Entries entries = new Settings.Entries();
    private int maxFrameSize = Frame.DEFAULT_MAX_FRAME_SIZE;
    private boolean pushEnabled;
    private boolean settingsSeen;

    private FrameReader(InBuffer in, HpackDecoder decoder, boolean server) {
        this.in = in;
        this.decoder = decoder;
        this.server = server;
    }

    /** A reader for a server: frames from a client (call {@link #readPreface()} first). */
    public static FrameReader forServer(InBuffer in, HpackDecoder decoder) {
        return new FrameReader(in, decoder, true);
    }

    /** A reader for a client: frames from a server. */
    public static FrameReader forClient(InBuffer in, HpackDecoder decoder) {
        return new FrameReader(in, decoder, false);
    }

    /**
     * Our SETTINGS_MAX_FRAME_SIZE: larger frames are a FRAME_SIZE_ERROR. Raise it when the SETTINGS frame
     * that announces it is sent (accepting more before the ACK is harmless); lower it only on the ACK.
     */
    public void maxFrameSize(int size) {
        if (size < Frame.DEFAULT_MAX_FRAME_SIZE || size > Frame.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be within [16384, 16777215]: " + size);
        }
        maxFrameSize = size;
    }

    /**
     * Caps on one header block (HEADERS or PUSH_PROMISE plus CONTINUATION frames): the payload bytes of its
     * frames and their number; past either, the connection ends with ENHANCE_YOUR_CALM. Defaults: 64 KiB
     * and 16 frames. These bound the encoded block; SETTINGS_MAX_HEADER_LIST_SIZE (the decoder's limit)
     * bounds the decoded list.
     */
    public void headerBlockLimits(int maxBytes, int maxFrames) {
        block.limits(maxBytes, maxFrames);
    }

    /**
     * Whether we sent SETTINGS_ENABLE_PUSH = 1 (a client only): PUSH_PROMISE and HEADERS on even streams are
     * then accepted. Off by default: PUSH_PROMISE is a connection error (RFC 9113 section 6.6, 8.4).
     */
    public void pushEnabled(boolean enabled) {
        if (server && enabled) {
            throw new IllegalArgumentException("a server never receives PUSH_PROMISE");
        }
        pushEnabled = enabled;
    }

    /**
     * The stream whose header block is open (its HEADERS arrived, its END_HEADERS not yet), or 0: a
     * connection arms its header deadline while it is non-zero.
     */
    public int headerBlockStreamId() {
        return block.streamId();
    }

    /**
     * Reads and checks the client's 24-byte connection preface magic (server only; RFC 9113 section 3.4).
     * A mismatch is reported as soon as a byte differs.
     *
     * @throws H2Exception  PROTOCOL_ERROR (connection) when the bytes are not the preface
     * @throws EOFException when the stream ends before it
     */
    public void readPreface() throws IOException {
        if (!server) {
            throw new IllegalStateException("only a server reads the client's connection preface");
        }
        while (true) {
            int avail = in.available();
            if (!Frame.isPrefaceStart(in.buf, in.pos, avail)) {
                throw H2Exception.connection(PROTOCOL_ERROR, "invalid connection preface");
            }
            if (avail >= Frame.PREFACE_LENGTH) {
                in.pos += Frame.PREFACE_LENGTH;
                return;
            }
            if (!fill()) {
                throw new EOFException("connection closed in the middle of the connection preface");
            }
        }
    }

    /**
     * Reads one frame and reports it; for a HEADERS or PUSH_PROMISE frame without END_HEADERS nothing is
     * reported until the CONTINUATION frame that ends the block. Returns false when the stream ends cleanly
     * before a frame header.
     */
    public boolean readFrame(FrameListener listener) throws IOException {
        in.rewindIfEmpty(); // the last frame's slice is no longer in use: read from the front, no compaction
        if (!await(Frame.HEADER_LENGTH)) {
            if (block.active() || in.available() > 0) {
                throw new EOFException("connection closed in the middle of a " + (block.active() ? "header block" : "frame header"));
            }
            return false;
        }
        byte[] b = in.buf;
        int p = in.pos;
        int length = (b[p] & 0xff) << 16 | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff);
        int type = b[p + 3] & 0xff;
        int flags = b[p + 4] & 0xff;
        int streamId = int31(b, p + 5); // the reserved bit is ignored (section 4.1)
        if (length > maxFrameSize) {
            throw H2Exception.connection(FRAME_SIZE_ERROR, Frame.typeName(type) + " frame of " + length
                    + " bytes exceeds SETTINGS_MAX_FRAME_SIZE " + maxFrameSize);
        }
        block.checkFrameHeader(type, streamId, length);
        if (!settingsSeen) {
            // The preface of either side ends with a SETTINGS frame (section 3.4).
            if (type != Frame.SETTINGS || (flags & Frame.FLAG_ACK) != 0) {
                throw H2Exception.connection(PROTOCOL_ERROR, "first frame is " + Frame.typeName(type) + ", not SETTINGS");
            }
            settingsSeen = true;
        }
        if (!await(Frame.HEADER_LENGTH + length)) {
            throw new EOFException("connection closed in the middle of a " + Frame.typeName(type) + " frame");
        }
        b = in.buf;
        p = in.pos + Frame.HEADER_LENGTH;
        in.pos = p + length; // consumed before the callback: the slice stays valid until the next read
        switch (type) {
            case Frame.DATA -> data(listener, flags, streamId, b, p, length);
            case Frame.HEADERS -> headers(listener, flags, streamId, b, p, length);
            case Frame.PRIORITY -> priority(listener, streamId, b, p, length);
            case Frame.RST_STREAM -> {
                requireStream(streamId, type);
                requireLength(length == 4, type, length);
                listener.onRstStream(streamId, int32(b, p));
            }
            case Frame.SETTINGS -> settings(listener, flags, streamId, b, p, length);
            case Frame.PUSH_PROMISE -> pushPromise(listener, flags, streamId, b, p, length);
            case Frame.PING -> {
                requireConnection(streamId, type);
                requireLength(length == 8, type, length);
                listener.onPing((long) int32(b, p) << 32 | (int32(b, p + 4) & 0xffff_ffffL), (flags & Frame.FLAG_ACK) != 0);
            }
            case Frame.GOAWAY -> {
                requireConnection(streamId, type);
                requireLength(length >= 8, type, length);
                listener.onGoAway(int31(b, p), int32(b, p + 4), b, p + 8, length - 8);
            }
            case Frame.WINDOW_UPDATE -> windowUpdate(listener, streamId, b, p, length);
            case Frame.CONTINUATION -> {
                block.append(b, p, length);
                if ((flags & Frame.FLAG_END_HEADERS) != 0) {
                    endBlock(listener);
                }
            }
            default -> listener.onUnknownFrame(type, flags, streamId, length);
        }
        return true;
    }

    private void data(FrameListener l, int flags, int streamId, byte[] b, int p, int length) throws IOException {
        requireStream(streamId, Frame.DATA);
        int pad = padding(flags, Frame.DATA, b, p, length, 0);
        int off = (flags & Frame.FLAG_PADDED) != 0 ? p + 1 : p;
        l.onData(streamId, b, off, p + length - pad - off, (flags & Frame.FLAG_END_STREAM) != 0, length);
    }

    private void headers(FrameListener l, int flags, int streamId, byte[] b, int p, int length) throws IOException {
        requireStream(streamId, Frame.HEADERS);
        if ((streamId & 1) == 0 && (server || !pushEnabled)) {
            // Clients open odd streams (section 5.1.1); even ones exist only as promised by push.
            throw H2Exception.connection(PROTOCOL_ERROR, "HEADERS frame on even stream " + streamId
                    + (server ? ": a client's streams are odd" : " while push is disabled"));
        }
        boolean prio = (flags & Frame.FLAG_PRIORITY) != 0;
        int pad = padding(flags, Frame.HEADERS, b, p, length, prio ? 5 : 0);
        int off = (flags & Frame.FLAG_PADDED) != 0 ? p + 1 : p;
        H2Exception deferred = null;
        if (prio) {
            if (int31(b, off) == streamId) {
                deferred = selfDependency(streamId, Frame.HEADERS);
            }
            off += 5;
        }
        fragment(l, Frame.HEADERS, flags, streamId, 0, deferred, b, off, p + length - pad - off, length);
    }

    private void pushPromise(FrameListener l, int flags, int streamId, byte[] b, int p, int length) throws IOException {
        requireStream(streamId, Frame.PUSH_PROMISE);
        if (!pushEnabled) {
            throw H2Exception.connection(PROTOCOL_ERROR, server ? "PUSH_PROMISE from a client"
                    : "PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0");
        }
        int pad = padding(flags, Frame.PUSH_PROMISE, b, p, length, 4);
        int off = (flags & Frame.FLAG_PADDED) != 0 ? p + 1 : p;
        int promised = int31(b, off);
        off += 4;
        fragment(l, Frame.PUSH_PROMISE, flags, streamId, promised, null, b, off, p + length - pad - off, length);
    }

    private void fragment(FrameListener l, int type, int flags, int streamId, int promised, H2Exception deferred,
                          byte[] b, int off, int len, int frameLength) throws IOException {
        boolean endStream = type == Frame.HEADERS && (flags & Frame.FLAG_END_STREAM) != 0;
        if ((flags & Frame.FLAG_END_HEADERS) != 0) {
            // The usual case, a block in one frame: decoded where it lies, without a copy.
            deliver(l, type, streamId, endStream, promised, deferred, b, off, len);
        } else {
            block.start(type, streamId, endStream, promised, deferred, b, off, len, frameLength);
        }
    }

    private void endBlock(FrameListener l) throws IOException {
        int type = block.type();
        int streamId = block.streamId();
        boolean endStream = block.endStream();
        int promised = block.promisedStreamId();
        H2Exception deferred = block.deferred();
        try {
            deliver(l, type, streamId, endStream, promised, deferred, block.buf(), 0, block.length());
        } finally {
            block.finish();
        }
    }

    private void deliver(FrameListener l, int type, int streamId, boolean endStream, int promised,
                         H2Exception deferred, byte[] b, int off, int len) throws IOException {
        decoder.decode(b, off, len, fields); // always, so the HPACK state follows the peer's
        if (deferred != null) {
            throw deferred;
        }
        if (type == Frame.HEADERS) {
            l.onHeaders(streamId, fields, endStream);
        } else {
            l.onPushPromise(streamId, promised, fields);
        }
    }

    private void priority(FrameListener l, int streamId, byte[] b, int p, int length) throws IOException {
        requireStream(streamId, Frame.PRIORITY);
        if (length != 5) {
            // Section 6.3: a stream error, the only size error that is not a connection error here.
            throw H2Exception.stream(streamId, FRAME_SIZE_ERROR, "PRIORITY frame of " + length + " bytes, not 5");
        }
        int dependency = int31(b, p);
        if (dependency == streamId) {
            throw selfDependency(streamId, Frame.PRIORITY);
        }
        l.onPriority(streamId, dependency, (b[p] & 0x80) != 0, (b[p + 4] & 0xff) + 1);
    }

    private void settings(FrameListener l, int flags, int streamId, byte[] b, int p, int length) throws IOException {
        requireConnection(streamId, Frame.SETTINGS);
        if ((flags & Frame.FLAG_ACK) != 0) {
            if (length != 0) {
                throw H2Exception.connection(FRAME_SIZE_ERROR, "SETTINGS acknowledgement with a " + length + "-byte payload");
            }
            l.onSettingsAck();
            return;
        }
        if (length % 6 != 0) {
            throw H2Exception.connection(FRAME_SIZE_ERROR, "SETTINGS frame of " + length + " bytes, not a multiple of 6");
        }
        entries.clear();
        for (int i = p; i < p + length; i += 6) {
            int id = (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
            long value = int32(b, i + 2) & 0xffff_ffffL;
            H2Exception bad = Settings.check(id, value);
            if (bad == null && !server && id == Settings.ENABLE_PUSH && value == 1) {
                bad = H2Exception.connection(PROTOCOL_ERROR, "server sent SETTINGS_ENABLE_PUSH = 1 (section 6.5.2)");
            }
            if (bad != null) {
                throw bad;
            }
            entries.add(id, value);
        }
        l.onSettings(entries);
    }

    private void windowUpdate(FrameListener l, int streamId, byte[] b, int p, int length) throws IOException {
        requireLength(length == 4, Frame.WINDOW_UPDATE, length);
        int increment = int31(b, p);
        if (increment == 0) {
            String msg = "WINDOW_UPDATE with an increment of 0";
            throw streamId == 0 ? H2Exception.connection(PROTOCOL_ERROR, msg) : H2Exception.stream(streamId, PROTOCOL_ERROR, msg);
        }
        l.onWindowUpdate(streamId, increment);
    }

    /**
     * The pad length of a frame that may be PADDED (0 if not), checked against the payload: the pad length
     * byte and {@code fixed} bytes of other fields must fit (else FRAME_SIZE_ERROR), and the padding must
     * leave room for them (else PROTOCOL_ERROR, section 6.1 and 6.2).
     */
    private static int padding(int flags, int type, byte[] b, int p, int length, int fixed) throws H2Exception {
        boolean padded = (flags & Frame.FLAG_PADDED) != 0;
        int header = (padded ? 1 : 0) + fixed;
        if (length < header) {
            throw H2Exception.connection(FRAME_SIZE_ERROR, Frame.typeName(type) + " frame of " + length
                    + " bytes is too short for its " + header + " bytes of fields");
        }
        if (!padded) {
            return 0;
        }
        int pad = b[p] & 0xff;
        if (pad > length - header) {
            throw H2Exception.connection(PROTOCOL_ERROR, Frame.typeName(type) + " frame has " + pad
                    + " bytes of padding, more than the " + (length - header) + " bytes left in its payload");
        }
        return pad;
    }

    private static H2Exception selfDependency(int streamId, int type) {
        return H2Exception.stream(streamId, PROTOCOL_ERROR, Frame.typeName(type) + " frame makes stream "
                + streamId + " depend on itself (section 5.3.1)");
    }

    private static void requireStream(int streamId, int type) throws H2Exception {
        if (streamId == 0) {
            throw H2Exception.connection(PROTOCOL_ERROR, Frame.typeName(type) + " frame on stream 0");
        }
    }

    private static void requireConnection(int streamId, int type) throws H2Exception {
        if (streamId != 0) {
            throw H2Exception.connection(PROTOCOL_ERROR, Frame.typeName(type) + " frame on stream " + streamId + ", not 0");
        }
    }

    private static void requireLength(boolean ok, int type, int length) throws H2Exception {
        if (!ok) {
            throw H2Exception.connection(FRAME_SIZE_ERROR, Frame.typeName(type) + " frame of invalid length " + length);
        }
    }

    /** Waits until {@code n} bytes are buffered; false at end of stream. */
    private boolean await(int n) throws IOException {
        while (in.available() < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    private boolean fill() throws IOException {
        int r = in.fill();
        if (r == 0) {
            throw new IllegalStateException("the read buffer cannot grow to a whole frame: size it for "
                    + "SETTINGS_MAX_FRAME_SIZE + 9 = " + (maxFrameSize + Frame.HEADER_LENGTH) + " bytes");
        }
        return r > 0;
    }

    static int int31(byte[] b, int p) {
        return int32(b, p) & 0x7fff_ffff;
    }

    static int int32(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }
}
