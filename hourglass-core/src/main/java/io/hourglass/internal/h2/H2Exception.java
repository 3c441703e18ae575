package io.hourglass.internal.h2;

import java.io.IOException;

/**
 * The peer broke a rule of RFC 9113 or RFC 7541, and how the connection must answer (RFC 9113 section 5.4).
 *
 * <ul>
 *   <li>A <b>connection error</b> ({@link #isConnectionError()}, {@link #streamId()} 0): send GOAWAY with
 *       {@link #code()} and close the connection. Nothing more can be read from it.</li>
 *   <li>A <b>stream error</b> ({@link #streamId()} &gt; 0): send RST_STREAM with {@link #code()} on that
 *       stream and carry on. When a {@link FrameReader} throws one, the offending frame has been consumed
 *       whole (and the header block it belonged to decoded, so the HPACK state is intact): the next
 *       {@link FrameReader#readFrame} reads the next frame.</li>
 * </ul>
 *
 * <p>The exception has no stack trace: it reports the peer's mistake, not a bug here, and a hostile peer can
 * make the reader throw many of them (filling in a stack trace would be the costliest part).
 */
public final class H2Exception extends IOException {
    private final ErrorCode code;
    private final int streamId;

    private H2Exception(ErrorCode code, int streamId, String message) {
        super(message);
        this.code = code;
        this.streamId = streamId;
    }

    /** A connection error: GOAWAY with {@code code}, then close. */
    public static H2Exception connection(ErrorCode code, String message) {
        return new H2Exception(code, 0, message);
    }

    /** A stream error on stream {@code streamId} (&gt; 0): RST_STREAM with {@code code}. */
    public static H2Exception stream(int streamId, ErrorCode code, String message) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream id > 0, not " + streamId);
        }
        return new H2Exception(code, streamId, message);
    }

    /** The code to send in GOAWAY (connection error) or RST_STREAM (stream error). */
    public ErrorCode code() {
        return code;
    }

    /** Whether the whole connection must end (GOAWAY); otherwise only {@link #streamId()} is reset. */
    public boolean isConnectionError() {
        return streamId == 0;
    }

    /** The stream to reset for a stream error; 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    /** The message without the scope and code in front (for errors that are not the peer's). */
    String reason() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        String scope = streamId == 0 ? "connection error " : "stream error on stream " + streamId + " ";
        return scope + code + ": " + super.getMessage();
    }

    @Override
    public Throwable fillInStackTrace() {
        return this; // see the class comment: a peer's error, possibly one of many
    }
}
