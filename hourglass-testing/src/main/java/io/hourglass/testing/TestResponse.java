package io.hourglass.testing;

import io.hourglass.http.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A response a {@link TestServer} gives, with how late and how slowly: an immutable value whose methods return
 * changed copies.
 *
 * <pre>{@code
 * server.enqueue(TestResponse.ok("hello"));
 * server.enqueue(TestResponse.status(503).header("Retry-After", "1"));
 * server.enqueue(TestResponse.ok("late").delay(Duration.ofSeconds(2)));          // headers after 2 s
 * server.enqueue(TestResponse.ok("x".repeat(100)).trickle(10, Duration.ofMillis(100))); // 10 bytes per 100 ms
 * server.enqueue(TestResponse.hang());                                         // never answers
 * }</pre>
 *
 * <p>Waits (the delay, the trickle's pauses, a hang) end early when the request is cancelled: the client went
 * away, or the server's handler timeout passed; a Hourglass handler sees both as an interrupt.
 */
public final class TestResponse {
    private final int status;
    private final Headers headers;
    private final byte[] body;
    private final Duration delay;
    private final int trickleBytes;
    private final Duration trickleEvery;
    private final boolean hang;

    private TestResponse(int status, Headers headers, byte[] body, Duration delay, int trickleBytes,
            Duration trickleEvery, boolean hang) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.delay = delay;
        this.trickleBytes = trickleBytes;
        this.trickleEvery = trickleEvery;
        this.hang = hang;
    }

    /**
     * A response with this status and no body.
     *
     * @param status the status code, 100 to 999
     * @return the response
     * @throws IllegalArgumentException for a status out of range
     */
    public static TestResponse status(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be 100 to 999, got " + status);
        }
        return new TestResponse(status, new Headers(), new byte[0], Duration.ZERO, 0, Duration.ZERO, false);
    }

    /**
     * 200 with a text body (UTF-8).
     *
     * @param body the body
     * @return the response
     */
    public static TestResponse ok(String body) {
        return status(200).body(body);
    }

    /**
     * A response that never comes: the handler waits until the request is cancelled (the client left, or the
     * server's handler timeout passed).
     *
     * @return the response
     */
    public static TestResponse hang() {
        TestResponse r = status(200);
        return new TestResponse(r.status, r.headers, r.body, r.delay, 0, Duration.ZERO, true);
    }

    /**
     * With a header field added.
     *
     * @param name the name
     * @param value the value
     * @return a copy with the field
     * @throws IllegalArgumentException for a name or value that is not a valid field
     */
    public TestResponse header(String name, String value) {
        Headers h = Headers.copyOf(headers);
        h.add(name, value);
        return new TestResponse(status, h, body, delay, trickleBytes, trickleEvery, hang);
    }

    /**
     * With this body, as UTF-8.
     *
     * @param text the body
     * @return a copy with the body
     */
    public TestResponse body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * With this body.
     *
     * @param bytes the body (copied)
     * @return a copy with the body
     */
    public TestResponse body(byte[] bytes) {
        return new TestResponse(status, headers, bytes.clone(), delay, trickleBytes, trickleEvery, hang);
    }

    /**
     * Sends the headers only after {@code d}: a slow upstream, for a client's response-header or total
     * timeout.
     *
     * @param d the wait before the headers
     * @return a copy with the delay
     */
    public TestResponse delay(Duration d) {
        return new TestResponse(status, headers, body, Objects.requireNonNull(d, "delay"), trickleBytes, trickleEvery,
                hang);
    }

    /**
     * Sends the body {@code bytes} at a time with a pause of {@code every} before each piece after the first:
     * a slow body, for a timeout that must cover the body (the call's total timeout does; a per-read one
     * does not).
     *
     * @param bytes the piece size, at least 1
     * @param every the pause between pieces
     * @return a copy that trickles its body
     */
    public TestResponse trickle(int bytes, Duration every) {
        if (bytes < 1) {
            throw new IllegalArgumentException("trickle bytes must be at least 1, got " + bytes);
        }
        return new TestResponse(status, headers, body, delay, bytes, Objects.requireNonNull(every, "every"), hang);
    }

    int statusCode() {
        return status;
    }

    Headers headers() {
        return headers;
    }

    byte[] bodyBytes() {
        return body;
    }

    Duration delayBeforeHead() {
        return delay;
    }

    int trickleBytes() {
        return trickleBytes;
    }

    Duration trickleEvery() {
        return trickleEvery;
    }

    boolean hangs() {
        return hang;
    }

    @Override
    public String toString() {
        return hang ? "TestResponse[hang]" : "TestResponse[" + status + ", " + body.length + " bytes"
                + (delay.isZero() ? "" : ", delay " + delay) + (trickleBytes == 0 ? "" : ", trickled") + "]";
    }
}
