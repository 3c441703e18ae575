package io.hourglass.internal.h2;

import java.io.IOException;

/**
 * What a {@link FrameReader} reports, one call per frame (one per header block for HEADERS and PUSH_PROMISE
 * with their CONTINUATION frames). Every frame-level rule has been checked before a call, so a callback
 * sees only well-formed frames; what depends on the connection's state (stream states, flow-control
 * windows, limits on streams and on floods) is the listener's to check.
 *
 * <p>Byte arrays handed to a callback are the reader's buffer, and the {@link FieldList} and
 * {@link Settings.Entries} are reused: all are valid only until the callback returns. A callback may throw
 * an {@link H2Exception} (stream or connection error); it leaves {@link FrameReader#readFrame} as is, and
 * the reader is ready for the next frame.
 */
public interface FrameListener {
    /**
     * A DATA frame (RFC 9113 section 6.1), padding removed.
     *
     * @param flowControlled the whole frame payload, padding included: what it takes from the stream's and the
     *                       connection's receive windows (section 6.9), which may exceed {@code len}
     */
    void onData(int streamId, byte[] buf, int off, int len, boolean endStream, int flowControlled) throws IOException;

    /**
     * A complete header block (HEADERS and any CONTINUATION frames, section 6.2 and 6.10), decoded. Check
     * {@link FieldList#overLimit()} first: a list over SETTINGS_MAX_HEADER_LIST_SIZE holds only some of
     * the fields. The message rules (pseudo-header fields, forbidden fields) are checked by
     * {@link H2Messages}, not here. A HEADERS frame's priority fields are checked (a stream may not depend
     * on itself) and then dropped, as RFC 9113 section 5.3.2 allows.
     */
    void onHeaders(int streamId, FieldList fields, boolean endStream) throws IOException;

    /** A PRIORITY frame (section 6.3): deprecated by RFC 9113; ignored unless overridden. */
    default void onPriority(int streamId, int dependency, boolean exclusive, int weight) throws IOException {
    }

    /** An RST_STREAM frame (section 6.4); {@code errorCode} may be one {@link ErrorCode} does not know. */
    void onRstStream(int streamId, int errorCode) throws IOException;

    /**
     * A SETTINGS frame that is not an acknowledgement (section 6.5): every value is in range. Apply them with
     * {@link Settings.Entries#applyTo}, hand SETTINGS_HEADER_TABLE_SIZE entries to
     * {@link HpackEncoder#peerHeaderTableSize}, then acknowledge with {@link FrameWriter#writeSettingsAck()}.
     */
    void onSettings(Settings.Entries entries) throws IOException;

    /** A SETTINGS frame with the ACK flag: the peer now applies the settings we sent (section 6.5.3). */
    void onSettingsAck() throws IOException;

    /**
     * A complete PUSH_PROMISE header block (section 6.6), decoded. Only when the reader was told that push
     * is enabled ({@link FrameReader#pushEnabled}); otherwise PUSH_PROMISE is a connection error.
     */
    default void onPushPromise(int streamId, int promisedStreamId, FieldList fields) throws IOException {
    }

    /** A PING frame (section 6.7): answer one without {@code ack} with the same data and the ACK flag. */
    void onPing(long data, boolean ack) throws IOException;

    /** A GOAWAY frame (section 6.8); the debug data is {@code debug[off, off+len)}. */
    void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) throws IOException;

    /** A WINDOW_UPDATE frame (section 6.9) with an increment from 1 to 2^31-1; stream 0 is the connection. */
    void onWindowUpdate(int streamId, int increment) throws IOException;

    /** A frame of a type RFC 9113 does not define, outside a header block: ignored (section 4.1, 5.5). */
    default void onUnknownFrame(int type, int flags, int streamId, int length) throws IOException {
    }
}
