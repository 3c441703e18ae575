package io.hourglass.internal.h2;

import java.nio.charset.StandardCharsets;

/**
 * The wire constants of RFC 9113 section 4 and 6: the frame header, the frame types and their flags, the
 * size limits, and the client connection preface (section 3.4).
 *
 * <p>Every frame starts with a 9-byte header: a 24-bit payload length, an 8-bit type, 8 bits of flags, one
 * reserved bit and a 31-bit stream id. {@link FrameReader} parses frames and {@link FrameWriter} writes them.
 */
public final class Frame {
    /** Bytes of the frame header that precedes every payload. */
    public static final int HEADER_LENGTH = 9;

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    /** DATA, HEADERS: the last frame the sender sends on this stream. */
    public static final int FLAG_END_STREAM = 0x1;
    /** SETTINGS, PING: an acknowledgement. */
    public static final int FLAG_ACK = 0x1;
    /** HEADERS, PUSH_PROMISE, CONTINUATION: the header block ends in this frame. */
    public static final int FLAG_END_HEADERS = 0x4;
    /** DATA, HEADERS, PUSH_PROMISE: a pad length byte and padding are present. */
    public static final int FLAG_PADDED = 0x8;
    /** HEADERS: the exclusive flag, stream dependency and weight are present. */
    public static final int FLAG_PRIORITY = 0x20;

    /** The initial SETTINGS_MAX_FRAME_SIZE, and the least value it may take (section 6.5.2). */
    public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 14;
    /** The greatest SETTINGS_MAX_FRAME_SIZE: 2^24 - 1. */
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;
    /** The initial flow-control window of a stream and of the connection (section 6.9.2). */
    public static final int DEFAULT_WINDOW = 65_535;
    /** The greatest flow-control window: 2^31 - 1 (section 6.9.1). */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;
    /** The greatest stream id: 2^31 - 1. */
    public static final int MAX_STREAM_ID = Integer.MAX_VALUE;

    private static final String PREFACE_TEXT = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    private static final byte[] PREFACE = PREFACE_TEXT.getBytes(StandardCharsets.US_ASCII);
    /** Length of the client's connection preface magic. */
    public static final int PREFACE_LENGTH = PREFACE.length;

    private static final String[] TYPE_NAMES = {
        "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
        "WINDOW_UPDATE", "CONTINUATION",
    };

    private Frame() {}

    /** A copy of the 24 bytes a client sends first, before its SETTINGS frame (section 3.4). */
    public static byte[] preface() {
        return PREFACE.clone();
    }

    /**
     * Whether {@code b[off, off+len)} is the start of the client connection preface (all of it when
     * {@code len >= }{@link #PREFACE_LENGTH}): how a server on a cleartext port tells HTTP/2 with prior
     * knowledge from HTTP/1.1 by the first bytes received. Only the first {@code PREFACE_LENGTH} bytes are
     * looked at. "PRI" alone already rules out every HTTP/1.1 request but one with method PRI, which RFC 9113
     * section 3.4 reserves for this purpose.
     */
    public static boolean isPrefaceStart(byte[] b, int off, int len) {
        int n = Math.min(len, PREFACE_LENGTH);
        for (int i = 0; i < n; i++) {
            if (b[off + i] != PREFACE[i]) {
                return false;
            }
        }
        return true;
    }

    /** The name of a frame type for messages, or {@code UNKNOWN(0x..)}. */
    public static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "UNKNOWN(0x" + Integer.toHexString(type) + ")";
    }
}
