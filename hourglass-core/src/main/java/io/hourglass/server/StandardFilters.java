package io.hourglass.server;

import io.hourglass.internal.h1.H1Exception;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/** The small filters behind {@link Filter}'s factories: request id and recovery. */
final class StandardFilters {
    private StandardFilters() {}

    private static final int MAX_ID_LENGTH = 128;

    static Filter requestId(String fieldName) {
        Objects.requireNonNull(fieldName, "fieldName");
        for (int i = 0; i < fieldName.length(); i++) {
            if (!io.hourglass.http.Headers.isTokenChar(fieldName.charAt(i))) {
                throw new IllegalArgumentException("requestId: \"" + fieldName + "\" is not a header field name");
            }
        }
        if (fieldName.isEmpty()) {
            throw new IllegalArgumentException("requestId: the header field name is empty");
        }
        return (req, res, next) -> {
            String id = req.header(fieldName);
            if (id == null || !usableId(id)) {
                id = newId();
                req.headers().set(fieldName, id);
            }
            res.headers().set(fieldName, id);
            next.handle(req, res);
        };
    }

    /** An id we are willing to repeat into logs and responses: short, visible ASCII, no quotes or escapes. */
    static boolean usableId(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** 128 random bits as 32 hex digits: unique enough to find one request in the logs of many servers. */
    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[32];
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            c[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            c[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new String(c);
    }

    static Filter recovery(System.Logger log) {
        return (req, res, next) -> {
            try {
                next.handle(req, res);
            } catch (Exception | StackOverflowError | LinkageError e) {
                if (!recoverable(e, req, res)) {
                    throw e;
                }
                if (log.isLoggable(System.Logger.Level.ERROR)) {
                    log.log(System.Logger.Level.ERROR, req.method() + " " + req.target() + ": handler failed: "
                            + describe(e));
                }
                // A fresh plain-text answer: drop what described the representation the handler meant to send.
                res.headers().remove("Content-Encoding");
                res.headers().remove("Content-Range");
                res.headers().remove("ETag");
                res.headers().remove("Last-Modified");
                res.headers().set("Content-Type", "text/plain; charset=utf-8");
                res.status(500);
                res.send("internal server error\n");
            }
        };
    }

    /**
     * Whether a handler's exception is a fault of the handler that a 500 answers, rather than an event the
     * server handles by itself (timeouts, a departed client, a rejected body, a cancellation) or one that
     * came too late to answer (after the head was committed).
     */
    static boolean recoverable(Throwable e, Request req, Response res) {
        if (res.isCommitted() || req.isCancelled()) {
            return false;
        }
        return !(e instanceof InterruptedIOException   // timeouts (SocketTimeoutException) and interrupts
                || e instanceof InterruptedException
                || e instanceof EOFException            // the client left mid-body
                || e instanceof SocketException         // reset, broken pipe
                || e instanceof H1Exception);           // a malformed or too large body: 400, 413
    }

    /** "java.lang.IllegalStateException: boom (at com.example.Users.find(Users.java:42))" */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getName());
        if (e.getMessage() != null) {
            b.append(": ").append(e.getMessage().replace('\n', ' ').replace('\r', ' '));
        }
        StackTraceElement[] st = e.getStackTrace();
        if (st.length > 0) {
            b.append(" (at ").append(st[0]).append(')');
        }
        return b.toString();
    }
}
