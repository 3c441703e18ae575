package io.hourglass.server;

import io.hourglass.internal.h1.HttpDate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one response the server writes on its own behalf: an error status with a one-line text body, and
 * {@code Connection: close}, since the connection ends after it. Used for the codec's errors (400, 408, 413,
 * 431, 505), a failed handler (408, 500, 504), the handler timeout's 503 and the client deadline's 504; every one carries Date (RFC 9110
 * section 6.6.1: an origin server with a clock must send it).
 */
final class ErrorResponse {
    private ErrorResponse() {}

    /** The whole response as bytes: built off the hot path, so that any thread may write it in one go. */
    static byte[] bytes(int status, String message) {
        return bytes(status, message, "");
    }

    /** The same, with {@code extra} (whole header lines, each ending in CRLF) among its fields. */
    static byte[] bytes(int status, String message, String extra) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + Status.reason(status) + "\r\n";
        String fields = "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\n" + extra + "Connection: close\r\n\r\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream(128 + body.length);
        b.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(HttpDate.line());
        b.writeBytes(fields.getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(body);
        return b.toByteArray();
    }
}
