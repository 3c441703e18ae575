package io.hourglass.client;

import java.io.IOException;

/**
 * A call failed for a reason other than a timeout (timeouts are {@link io.hourglass.http.HttpTimeoutException}).
 * {@link #kind()} says which; the message names the request and the connection.
 */
public class ClientException extends IOException {
    /** What went wrong. */
    public enum Kind {
        /** Nothing listens at the address (connection refused). */
        REFUSED("connection refused"),
        /** The host name could not be resolved. */
        UNKNOWN_HOST("unknown host"),
        /** The peer reset the connection. */
        RESET("connection reset"),
        /** The connection ended before the response was complete. */
        PREMATURE_EOF("connection closed before the response was complete"),
        /** The response broke HTTP/1.1's rules. */
        MALFORMED("malformed response"),
        /** TLS failed (certificate, hostname, protocol). */
        TLS("TLS failure"),
        /** The call was cancelled with {@link Call#cancel()}. */
        CANCELLED("call cancelled"),
        /** Another I/O failure. */
        IO("I/O error");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final Kind kind;

    public ClientException(Kind kind, String detail, Throwable cause) {
        super(kind.text() + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
