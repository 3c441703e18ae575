package io.hourglass.server;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.internal.h1.H1Exception;
import io.hourglass.net.DeadlineExceededException;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The access log filter ({@link Filter#accessLog()}): one line per request, written when the handler has
 * returned, naming what ended the request when it did not end normally.
 *
 * <p>It learns the outcome from what the handler contract exposes, nothing protocol-specific: the response's
 * state (committed, or taken away by the handler timeout), the request's cancellation, and the exception
 * that came out of the chain, mapped to the status the server answers with as {@link Handler} documents.
 */
final class AccessLog implements Filter {
    static final String LOGGER_NAME = "io.hourglass.access";

    private final System.Logger log;
    private final boolean json;

    AccessLog(System.Logger log, boolean json) {
        this.log = Objects.requireNonNull(log, "logger");
        this.json = json;
    }

    @Override
    public void filter(Request req, Response res, Handler next) throws Exception {
        if (!log.isLoggable(System.Logger.Level.INFO)) {
            next.handle(req, res);
            return;
        }
        Throwable failure = null;
        try {
            next.handle(req, res);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            write(req, res, failure);
        }
    }

    /** What the client got and why the request ended, from the response's state and the failure. */
    record Outcome(int status, long bytes, String endedBy) {}

    static Outcome outcome(Request req, Response res, Throwable failure) {
        if (res.isAbandoned() && req.isCancelled()) { // the handler timeout (or the client's deadline) took it
            boolean client = "deadline".equals(req.cancelReason());
            return new Outcome(res.abandonedUnsent() ? (client ? 504 : 503) : res.status(),
                    res.abandonedUnsent() ? 0 : res.bytesWritten(), client ? "timeout:deadline" : "timeout:handler");
        }
        String ended = req.isCancelled() ? cancelled(req) : failure == null ? null : endedBy(failure);
        if (res.isCommitted()) {
            return new Outcome(res.status(), res.bytesWritten(), ended);
        }
        if (req.isCancelled() || failure instanceof SocketException || failure instanceof EOFException) {
            return new Outcome(499, 0, ended); // the client left before a status went out
        }
        if (failure == null) {
            return new Outcome(res.status(), 0, null); // the server ends it: an empty body unless one was set
        }
        int status = failure instanceof HttpTimeoutException ? 408
                : failure instanceof H1Exception he ? he.status()
                : failure instanceof DeadlineExceededException ? 499
                : 500;
        return new Outcome(status, 0, ended);
    }

    private static String cancelled(Request req) {
        String why = req.cancelReason();
        return why == null ? "cancelled:client-gone" : why.contains("handler timeout") ? "timeout:handler"
                : why.equals("deadline") ? "timeout:deadline" : "cancelled:client-gone";
    }

    private static String endedBy(Throwable t) {
        if (t instanceof HttpTimeoutException te) {
            return "timeout:" + te.phase().label();
        }
        if (t instanceof DeadlineExceededException de) {
            return de.op() == DeadlineExceededException.Op.WRITE ? "timeout:write" : "timeout:read-body";
        }
        if (t instanceof SocketException || t instanceof EOFException) {
            return "cancelled:client-gone";
        }
        if (t instanceof H1Exception) {
            return "rejected";
        }
        return "error";
    }

    private void write(Request req, Response res, Throwable failure) {
        Outcome o = outcome(req, res, failure);
        long nanos = System.nanoTime() - req.startNanos();
        long now = System.currentTimeMillis();
        String line = json ? json(req, o, nanos, now) : common(req, o, nanos, now);
        log.log(System.Logger.Level.INFO, line);
    }

    // ---- formats ----

    private static String common(Request req, Outcome o, long nanos, long nowMillis) {
        StringBuilder b = new StringBuilder(128);
        b.append(host(req.remoteAddress())).append(" - - [");
        clfTime(b, nowMillis);
        b.append("] \"");
        quoted(b, req.method() + " " + req.target() + " " + req.version());
        b.append("\" ").append(o.status).append(' ');
        if (o.bytes == 0) {
            b.append('-');
        } else {
            b.append(o.bytes);
        }
        b.append(' ');
        seconds(b, nanos);
        b.append(' ').append(o.endedBy == null ? "-" : o.endedBy);
        return b.toString();
    }

    private static String json(Request req, Outcome o, long nanos, long nowMillis) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":\"").append(java.time.Instant.ofEpochMilli(nowMillis)).append('"');
        b.append(",\"remote\":");
        jsonString(b, String.valueOf(addr(req.remoteAddress())));
        b.append(",\"method\":");
        jsonString(b, req.method());
        b.append(",\"target\":");
        jsonString(b, req.target());
        b.append(",\"protocol\":");
        jsonString(b, req.version());
        b.append(",\"status\":").append(o.status);
        b.append(",\"bytes\":").append(o.bytes);
        b.append(",\"duration_ms\":");
        b.append(String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6));
        b.append(",\"ended_by\":");
        if (o.endedBy == null) {
            b.append("null");
        } else {
            jsonString(b, o.endedBy);
        }
        String id = req.header("X-Request-Id");
        if (id != null) {
            b.append(",\"request_id\":");
            jsonString(b, id);
        }
        return b.append('}').toString();
    }

    private static String host(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress()
                : String.valueOf(a);
    }

    private static String addr(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            String h = i.getAddress().getHostAddress();
            return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    /** 05/Dec/2026:10:00:00 +0000, in UTC, written by hand (a pattern formatter loads locale data). */
    private static void clfTime(StringBuilder b, long millis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.UTC);
        two(b, t.getDayOfMonth()).append('/').append(MONTHS[t.getMonthValue() - 1]).append('/').append(t.getYear());
        b.append(':');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(" +0000");
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static void seconds(StringBuilder b, long nanos) {
        long micros = Math.max(0, nanos / 1000);
        b.append(micros / 1_000_000).append('.');
        String frac = Long.toString(micros % 1_000_000);
        b.append("000000", 0, 6 - frac.length()).append(frac);
    }

    /** Inside CLF's quotes: a quote or backslash is escaped, a control character written as \xHH. */
    private static void quoted(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
    }

    static void jsonString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
