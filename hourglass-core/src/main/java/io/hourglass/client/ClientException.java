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
        /**
         * The server reset the call's HTTP/2 stream (RST_STREAM); the message names the error code, e.g.
         * {@code INTERNAL_ERROR}. The connection carries on.
         */
        STREAM_RESET("stream reset by the server"),
        /** The connection ended before the response was complete. */
        PREMATURE_EOF("connection closed before the response was complete"),
        /** The response broke the rules of HTTP/1.1 or HTTP/2 (RFC 9112, RFC 9113). */
        MALFORMED("malformed response"),
        /** TLS failed (certificate, hostname, protocol). */
        TLS("TLS failure"),
        /** The call was cancelled with {@link Call#cancel()}. */
        CANCELLED("call cancelled"),
        /** A redirect past {@link ClientConfig#maxRedirects()} (curl's exit code 47). */
        TOO_MANY_REDIRECTS("too many redirects"),
        /**
         * A redirect the client cannot follow: a Location that is not an http or https URL, or a 307 or 308
         * that needs the request body again when the body is a stream sent once.
         */
        REDIRECT("redirect not followed"),
        /**
         * The proxy would not carry the call: it refused the tunnel (its status and reason in the message; a 407
         * that no {@link ClientConfig#proxyAuthenticator()} answered), a SOCKS5 failure, or the
         * {@link ClientConfig#proxySelector()} failed.
         */
        PROXY("proxy failure"),
        /** Another I/O failure. */
        IO("I/O error");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        /** {@return the kind in words, the start of the exception's message, e.g. "connection refused"} */
        public String text() {
            return text;
        }
    }

    /** What went wrong. */
    private final Kind kind;

    /**
     * A failure of this kind.
     *
     * @param kind what went wrong
     * @param detail what the call was doing, the request and the connection; may be null
     * @param cause the underlying exception, or null
     */
    public ClientException(Kind kind, String detail, Throwable cause) {
        super(kind.text() + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.kind = kind;
    }

    /** {@return what went wrong, to switch on} */
    public Kind kind() {
        return kind;
    }
}
