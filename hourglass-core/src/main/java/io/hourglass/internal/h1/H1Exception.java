package io.hourglass.internal.h1;

import java.io.IOException;

/**
 * A message that breaks HTTP/1.1's rules. {@link #status()} is what a server answers (400, 431, 505, 501);
 * the connection is closed after it, so no byte after the bad message is ever parsed. {@link #limit()} says
 * which size limit was exceeded, when that was the reason, so that the server can count it by kind.
 */
public final class H1Exception extends IOException {
    /** The size limits of a head (or of a trailer section). */
    public enum Limit {
        /** More bytes than the head limit: request line and fields, or a trailer section. */
        HEAD_BYTES,
        /** More fields than the field-count limit, in a header or a trailer section. */
        FIELD_COUNT,
        /** A request body larger than the server's or the route's body limit (413). */
        BODY_BYTES,
        /** A request line that alone does not fit in the head limit: its target is too long (414). */
        TARGET_BYTES
    }

    private final int status;
    private final Limit limit;

    public H1Exception(int status, String message) {
        this(status, message, null);
    }

    public H1Exception(int status, String message, Limit limit) {
        super(message);
        this.status = status;
        this.limit = limit;
    }

    public int status() {
        return status;
    }

    /** The limit that was exceeded, or {@code null} when the message was malformed rather than too big. */
    public Limit limit() {
        return limit;
    }
}
