package io.hourglass.internal.h2;

/**
 * Collects one header block from a HEADERS or PUSH_PROMISE frame and the CONTINUATION frames that follow it
 * (RFC 9113 section 4.3 and 6.10), for the {@link FrameReader}.
 *
 * <p>Two caps hold for every block, whatever happens to it afterwards (decoded, or decoded with its fields
 * dropped because the list is over SETTINGS_MAX_HEADER_LIST_SIZE): the payload bytes of all its frames, and
 * the number of its frames. They are checked on each frame header, before the payload is read, so a
 * CONTINUATION flood (CVE-2024-27316 and its family, Go's CVE-2023-45288) costs at most the caps before the
 * connection ends with ENHANCE_YOUR_CALM.
 */
final class HeaderBlockAssembler {
    /** Default cap on the payload bytes of one block's frames. */
    static final int DEFAULT_MAX_BYTES = 64 * 1024;
    /** Default cap on the frames of one block: HEADERS plus 15 CONTINUATION frames. */
    static final int DEFAULT_MAX_FRAMES = 16;

    private final Bytes block = new Bytes(0); // grows on the first CONTINUATION: most blocks fit one frame
    private int maxBytes = DEFAULT_MAX_BYTES;
    private int maxFrames = DEFAULT_MAX_FRAMES;
    private int streamId;        // 0 when no block is open
    private int type;
    private boolean endStream;
    private int promisedStreamId;
    private H2Exception deferred; // a stream error found in the first frame, thrown once the block is decoded
    private int frames;
    private long bytes;

    void limits(int maxBytes, int maxFrames) {
        if (maxBytes < 1 || maxFrames < 1) {
            throw new IllegalArgumentException("header block limits must be positive: " + maxBytes + " bytes, " + maxFrames + " frames");
        }
        this.maxBytes = maxBytes;
        this.maxFrames = maxFrames;
    }

    /** Whether a block is open: only CONTINUATION frames of its stream may come next. */
    boolean active() {
        return streamId != 0;
    }

    /** The stream of the open block, or 0. */
    int streamId() {
        return streamId;
    }

    /**
     * Checks a frame header against the open block, if any, and the caps, before its payload is read.
     *
     * @throws H2Exception PROTOCOL_ERROR for a CONTINUATION outside a block, or any other frame (unknown
     *                     types too, section 5.5) or another stream's frame inside one; ENHANCE_YOUR_CALM
     *                     past a cap
     */
    void checkFrameHeader(int frameType, int frameStream, int length) throws H2Exception {
        boolean starts = frameType == Frame.HEADERS || frameType == Frame.PUSH_PROMISE;
        if (streamId == 0) {
            if (frameType == Frame.CONTINUATION) {
                throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "CONTINUATION frame on stream " + frameStream + " without a HEADERS or PUSH_PROMISE before it");
            }
            if (starts && length > maxBytes) {
                throw tooLarge(frameStream);
            }
            return;
        }
        if (frameType != Frame.CONTINUATION) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, Frame.typeName(frameType)
                    + " frame inside the header block of stream " + streamId + ", where only CONTINUATION may come");
        }
        if (frameStream != streamId) {
            throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "CONTINUATION frame on stream " + frameStream
                    + " inside the header block of stream " + streamId);
        }
        if (frames + 1 > maxFrames) {
            throw H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "header block of stream " + streamId
                    + " takes more than " + maxFrames + " frames");
        }
        if (bytes + length > maxBytes) {
            throw tooLarge(streamId);
        }
    }

    private H2Exception tooLarge(int stream) {
        return H2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "header block of stream " + stream
                + " is larger than " + maxBytes + " bytes");
    }

    /** Opens a block with the fragment of its first frame, of {@code frameLength} payload bytes. */
    void start(int type, int streamId, boolean endStream, int promisedStreamId, H2Exception deferred,
               byte[] b, int off, int len, int frameLength) {
        this.type = type;
        this.streamId = streamId;
        this.endStream = endStream;
        this.promisedStreamId = promisedStreamId;
        this.deferred = deferred;
        this.frames = 1;
        this.bytes = frameLength;
        block.clear();
        block.write(b, off, len);
    }

    /** Adds a CONTINUATION fragment (whose header passed {@link #checkFrameHeader}). */
    void append(byte[] b, int off, int len) {
        frames++;
        bytes += len;
        block.write(b, off, len);
    }

    int type() {
        return type;
    }

    boolean endStream() {
        return endStream;
    }

    int promisedStreamId() {
        return promisedStreamId;
    }

    H2Exception deferred() {
        return deferred;
    }

    byte[] buf() {
        return block.buf;
    }

    int length() {
        return block.len;
    }

    /** Closes the block; a buffer that one large block grew is let go. */
    void finish() {
        streamId = 0;
        deferred = null;
        block.clear();
        block.shrink(4096);
    }
}
