package io.hourglass.server;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.BodyIn;
import io.hourglass.internal.h1.HttpDate;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.net.Conn;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 (or 1.0) request and response on a {@link ServerConn}: the body comes from the connection's
 * read buffer ({@link BodyIn}, which sends 100 Continue before its first read when asked), and the response
 * is framed here: the status line, Date, Content-Length or chunked (or until the close for an HTTP/1.0 client),
 * Connection. Deadlines are the connection's. Used by the connection's thread and the handler, which is the
 * same thread on HTTP/1.1.
 */
final class H1Exchange implements ServerExchange {
    private final ServerConn owner;
    private final OutBuffer out;
    private final Conn conn;
    private final BodyIn body;
    private final int requestVersion;   // 10 or 11
    private boolean keepAlive;
    private boolean chunked;
    private boolean untilClose;
    private boolean bodyless;

    H1Exchange(ServerConn owner, OutBuffer out, Conn conn, BodyIn body, int requestVersion, boolean keepAlive) {
        this.owner = owner;
        this.out = out;
        this.conn = conn;
        this.body = body;
        this.requestVersion = requestVersion;
        this.keepAlive = keepAlive;
    }

    @Override
    public String protocol() {
        return requestVersion == 11 ? "http/1.1" : "http/1.0";
    }

    @Override
    public String version() {
        return requestVersion == 11 ? "HTTP/1.1" : "HTTP/1.0";
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public long bodyDelivered() {
        return body.delivered();
    }

    @Override
    public Headers trailers() {
        return body.trailers();
    }

    @Override
    public SocketAddress remoteAddress() {
        return conn.remoteAddress();
    }

    @Override
    public long connectionId() {
        return conn.id();
    }

    @Override
    public void readDeadlineNanos(long deadline) {
        conn.setReadDeadlineNanos(deadline);
    }

    @Override
    public long writeDeadlineNanos() {
        return conn.writeDeadlineNanos();
    }

    @Override
    public void writeDeadlineNanos(long deadline) {
        conn.setWriteDeadlineNanos(deadline);
    }

    @Override
    public boolean closing() {
        return owner.closing();
    }

    @Override
    public boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public void commit(int status, Headers headers, long contentLength, boolean bodyless) throws IOException {
        this.bodyless = bodyless;
        if (headers.hasToken("Connection", "close") || owner.closing()) {
            keepAlive = false;
        }
        if (!bodyless && contentLength < 0) {
            if (requestVersion == 11) {
                chunked = true;
            } else {
                untilClose = true; // an HTTP/1.0 client knows no chunked coding: the close ends the body
                keepAlive = false;
            }
        }
        writeHead(status, headers, contentLength);
    }

    private void writeHead(int status, Headers headers, long contentLength) throws IOException {
        OutBuffer o = out;
        if (status == 200) {
            o.write(STATUS_200);
        } else {
            o.writeAscii("HTTP/1.1 "); // our highest version, also to 1.0 clients (RFC 9110 section 6.2)
            o.writeDecimal(status);
            o.writeByte(' ');
            o.writeAscii(Status.reason(status));
            o.writeCrlf();
        }
        o.write(HttpDate.line());
        for (int i = 0; i < headers.size(); i++) {
            String n = headers.name(i);
            if (n.equalsIgnoreCase("Content-Length") || n.equalsIgnoreCase("Transfer-Encoding")
                    || n.equalsIgnoreCase("Connection") || n.equalsIgnoreCase("Date")
                    || n.equalsIgnoreCase("Keep-Alive")) {
                continue; // the server owns framing and connection management
            }
            o.writeAscii(n);
            o.writeByte(':');
            o.writeByte(' ');
            o.writeAscii(headers.value(i));
            o.writeCrlf();
        }
        if (contentLength >= 0 && !(status / 100 == 1 || status == 204)) {
            o.write(CONTENT_LENGTH);
            o.writeDecimal(contentLength);
            o.writeCrlf();
        } else if (chunked) {
            o.write(CHUNKED);
        }
        if (!keepAlive) {
            o.write(CONNECTION_CLOSE);
        } else {
            if (requestVersion == 10) {
                o.write(CONNECTION_KEEP_ALIVE);
            }
            byte[] hint = owner.keepAliveHint();
            if (hint != null) {
                o.write(hint); // how long the connection may sit idle before the server closes it (issue 14)
            }
        }
        o.writeCrlf();
    }

    private static final byte[] STATUS_200 = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CONNECTION_KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0 || bodyless) {
            return;
        }
        if (chunked) {
            out.writeHex(len);
            out.writeCrlf();
            out.write(b, off, len);
            out.writeCrlf();
        } else {
            out.write(b, off, len);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void end(boolean complete) throws IOException {
        if (chunked) {
            out.write(LAST_CHUNK);
        }
        out.flush();
        if (untilClose || !complete) {
            keepAlive = false; // the close ends the body, or shows the client it is short
        }
    }
}
