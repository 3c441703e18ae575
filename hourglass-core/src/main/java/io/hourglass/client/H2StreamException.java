package io.hourglass.client;

import io.hourglass.internal.h2.ErrorCode;
import java.io.IOException;

/**
 * Why an HTTP/2 stream ended without its response, as the connection saw it; the call lifecycle turns it into
 * the caller's {@link ClientException} (or retries the call: {@link #unprocessed()}). Internal: callers never
 * see this type.
 */
final class H2StreamException extends IOException {
    /** What ended the stream. */
    enum Kind {
        /** The server reset the stream (RST_STREAM); {@link #code()} says why. */
        RESET,
        /** The server refused the stream before processing it (RST_STREAM REFUSED_STREAM, section 8.7). */
        REFUSED,
        /** The stream is above the last stream id of the server's GOAWAY: never processed (section 6.8). */
        GOAWAY,
        /** The connection could not open the stream (closed, going away, or out of stream ids). */
        NOT_OPENED,
        /** The connection ended (closed, reset, or a connection error) while the stream was open. */
        CONNECTION,
        /** The response broke RFC 9113's rules (a malformed message, a flow-control violation). */
        PROTOCOL,
        /** The server sent its whole response before the request body had been sent. */
        ANSWERED_EARLY
    }

    private final Kind kind;
    private final int streamId;
    private final ErrorCode code;

    H2StreamException(Kind kind, int streamId, String message) {
        this(kind, streamId, null, message, null);
    }

    H2StreamException(Kind kind, int streamId, ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.streamId = streamId;
        this.code = code;
    }

    Kind kind() {
        return kind;
    }

    int streamId() {
        return streamId;
    }

    /** The error code of a reset or GOAWAY, or null. */
    ErrorCode code() {
        return code;
    }

    /**
     * Whether the server certainly did not process the request, so that any request, idempotent or not, may be
     * sent again (RFC 9113 section 8.7): refused streams, streams above a GOAWAY's last stream id, and streams
     * that were never opened.
     */
    boolean unprocessed() {
        return kind == Kind.REFUSED || kind == Kind.GOAWAY || kind == Kind.NOT_OPENED;
    }

    @Override
    public Throwable fillInStackTrace() {
        return this; // a peer's doing, reported to the caller as a ClientException with its own trace
    }
}
