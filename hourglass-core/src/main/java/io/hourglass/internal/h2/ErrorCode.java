package io.hourglass.internal.h2;

/**
 * The error codes of RFC 9113 section 7, as carried by RST_STREAM and GOAWAY frames and by an
 * {@link H2Exception}.
 *
 * <p>Frames carry the code as a 32-bit number that may be one this enum does not know: the
 * {@link FrameListener} callbacks hand it over as an {@code int}, and {@link #of(int)} maps unknown codes to
 * {@link #INTERNAL_ERROR}, which section 7 allows ("Unknown or unsupported error codes MUST NOT trigger any
 * special behavior").
 */
public enum ErrorCode {
    /** A graceful shutdown (GOAWAY) or the end of a stream that needs no error. */
    NO_ERROR(0x0),
    /** A generic protocol error: the peer broke a rule of RFC 9113. */
    PROTOCOL_ERROR(0x1),
    /** An unexpected internal error. */
    INTERNAL_ERROR(0x2),
    /** The peer violated flow control (section 5.2). */
    FLOW_CONTROL_ERROR(0x3),
    /** A SETTINGS frame was not acknowledged in time. */
    SETTINGS_TIMEOUT(0x4),
    /** A frame arrived on a half-closed stream. */
    STREAM_CLOSED(0x5),
    /** A frame had an invalid size. */
    FRAME_SIZE_ERROR(0x6),
    /** The stream was refused before any processing: safe to retry (section 8.7). */
    REFUSED_STREAM(0x7),
    /** The stream is no longer needed. */
    CANCEL(0x8),
    /** The HPACK state of the connection can no longer be maintained (section 4.3). */
    COMPRESSION_ERROR(0x9),
    /** A CONNECT tunnel was reset or closed abnormally. */
    CONNECT_ERROR(0xa),
    /** The peer is generating excessive load (floods, resets; section 10.5). */
    ENHANCE_YOUR_CALM(0xb),
    /** The TLS properties do not meet the minimum requirements (section 9.2). */
    INADEQUATE_SECURITY(0xc),
    /** The peer must use HTTP/1.1 for this request. */
    HTTP_1_1_REQUIRED(0xd);

    private static final ErrorCode[] BY_CODE = values();

    /** The 32-bit value on the wire. */
    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The enum constant for a wire value; {@link #INTERNAL_ERROR} for a code this enum does not know. */
    public static ErrorCode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL_ERROR;
    }

    /**
     * A stable name for a wire value, for logs and metric labels: the constant's name, or {@code 0x} and the
     * value in hex for a code this enum does not know (so that unknown codes are not counted as internal).
     */
    public static String nameOf(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code].name() : "0x" + Integer.toHexString(code);
    }
}
