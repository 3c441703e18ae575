package io.hourglass.client;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h2.ErrorCode;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.Locale;

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

    /**
     * The error the caller sees for a stream that ended without its response: STREAM_RESET for a reset (the
     * code named), MALFORMED for the server's protocol error, IO for a request the server did not process
     * (when it is not sent again), and for a lost connection what it was lost to: a ping timeout (phase
     * PING, the connection's limit and elapsed time), a reset, an early end.
     *
     * @param ctx the call's context for the message (request, connection, stream, reused or new)
     * @param doing what the call was doing
     */
    IOException forCaller(String ctx, String doing) {
        String c = code == null ? "" : code.name();
        switch (kind) {
            case RESET, REFUSED:
                return new ClientException(ClientException.Kind.STREAM_RESET, c + " (" + ctx + ", while " + doing + ")", this);
            case PROTOCOL:
                return new ClientException(ClientException.Kind.MALFORMED, ctx + ": " + getMessage(), this);
            case GOAWAY, NOT_OPENED, ANSWERED_EARLY:
                return new ClientException(ClientException.Kind.IO, "not processed by the server: " + getMessage()
                        + " (" + ctx + ")", this);
            default:
                return lostConnection(ctx, doing);
        }
    }

    private IOException lostConnection(String ctx, String doing) {
        Throwable cause = getCause();
        if (cause instanceof HttpTimeoutException t && t.phase() == Phase.PING) {
            return new HttpTimeoutException(Phase.PING, t.limit(), t.elapsed(), "the connection was closed; " + ctx);
        }
        if (cause instanceof H2StreamException p) {
            return new ClientException(ClientException.Kind.MALFORMED, ctx + ": " + p.getMessage(), this);
        }
        if (cause instanceof ClientException e) {
            return new ClientException(e.kind(), ctx + ": " + getMessage(), this);
        }
        if (cause instanceof EOFException) {
            return new ClientException(ClientException.Kind.PREMATURE_EOF, ctx + " (" + doing + ")", this);
        }
        String m = cause == null ? "" : String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (cause instanceof SocketException && (m.contains("reset") || m.contains("broken pipe"))) {
            return new ClientException(ClientException.Kind.RESET, ctx + " (" + doing + ")", this);
        }
        return new ClientException(ClientException.Kind.IO, ctx + ": " + getMessage(), this);
    }
}
