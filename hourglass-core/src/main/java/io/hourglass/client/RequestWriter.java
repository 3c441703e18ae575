package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.internal.h1.OutBuffer;
import io.hourglass.internal.io.ReadAhead;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * Writes an HTTP/1.1 request (RFC 9112 sections 3 and 6) into a connection's write buffer: the request line
 * in origin-form (absolute-form to an HTTP proxy, with the proxy URL's credentials), Host first (the caller's, else the URL's), the caller's fields except those the client
 * owns (the framing; the request builder refuses them, and allows only {@code Connection: close|keep-alive}
 * and {@code Expect: 100-continue}), a default User-Agent, the bridge's Accept-Encoding when no step below it
 * wrote one (see {@link Bridge}), the body's framing, and the body itself, sized or chunked. A request with
 * trailers ({@link RequestTrailers}) goes chunked whatever its length, announces them in a {@code Trailer}
 * field, and ends with its trailer section (RFC 9112 section 7.1.2).
 */
final class RequestWriter {
    private RequestWriter() {}

    /**
     * Writes the request line and the header section, up to and including the blank line.
     *
     * @param hostHeader the URL's Host value ({@link Urls#hostHeader}), made once per origin by its pool
     * @param proxy the HTTP proxy that gets this plain-http request itself, null when it goes to the origin
     */
    static void writeHead(OutBuffer o, ClientRequest req, String hostHeader, String userAgent, boolean expect,
            boolean gzip, Proxies.Route proxy) throws IOException {
        URI u = req.uri();
        o.writeAscii(req.method());
        o.writeByte(' ');
        if (proxy != null) {
            // RFC 9112 section 3.2.2: to a proxy, the absolute form
            o.writeAscii(u.getScheme().toLowerCase(java.util.Locale.ROOT));
            o.writeAscii("://");
            o.writeAscii(hostHeader);
        }
        String path = u.getRawPath();
        o.writeAscii(path == null || path.isEmpty() ? "/" : path);
        if (u.getRawQuery() != null) {
            o.writeByte('?');
            o.writeAscii(u.getRawQuery());
        }
        String host = req.headers().first("Host"); // the caller's, if any (ClientRequest.Builder.header keeps one)
        o.writeAscii(" HTTP/1.1\r\nHost: ");
        o.writeAscii(host != null ? host : hostHeader);
        o.writeCrlf();
        boolean ua = writeFields(o, req);
        if (!ua) {
            o.writeAscii("User-Agent: ");
            o.writeAscii(userAgent);
            o.writeCrlf();
        }
        if (proxy != null && proxy.user() != null && req.headers().first("Proxy-Authorization") == null) {
            o.writeAscii("Proxy-Authorization: ");
            o.writeAscii(proxy.basic()); // the proxy URL's user:password@ (RFC 7617)
            o.writeCrlf();
        }
        if (gzip) {
            o.writeAscii("Accept-Encoding: gzip\r\n"); // the bridge's, written here when no step below sees it
        }
        RequestBody b = req.body();
        RequestTrailers t = req.trailerSection();
        if (b != null) {
            long len = b.length();
            if (len >= 0 && t == null) {
                o.writeAscii("Content-Length: ");
                o.writeDecimal(len);
                o.writeCrlf();
            } else {
                o.writeAscii("Transfer-Encoding: chunked\r\n"); // also for trailers: only chunked carries them
            }
            if (t != null) {
                o.writeAscii("Trailer: "); // RFC 9110 section 6.6.2: the fields the trailer section will hold
                o.writeAscii(t.declaration());
                o.writeCrlf();
            }
        } else if (req.method().equals("POST") || req.method().equals("PUT") || req.method().equals("PATCH")) {
            o.writeAscii("Content-Length: 0\r\n"); // RFC 9110 section 8.6: a body-carrying method says so
        }
        if (expect) {
            o.writeAscii("Expect: 100-continue\r\n");
        }
        o.writeCrlf();
    }

    /** Writes the caller's fields but those the client owns; returns whether one was User-Agent. */
    private static boolean writeFields(OutBuffer o, ClientRequest req) throws IOException {
        var hs = req.headers();
        boolean ua = false;
        for (int i = 0; i < hs.size(); i++) {
            String n = hs.name(i);
            if (n.equalsIgnoreCase("Host") || n.equalsIgnoreCase("Content-Length")
                    || n.equalsIgnoreCase("Transfer-Encoding") || n.equalsIgnoreCase("Expect")) {
                continue; // written above, or below from the body (the builder refuses the framing fields)
            }
            ua |= n.equalsIgnoreCase("User-Agent");
            o.writeAscii(n);
            o.writeAscii(": ");
            o.writeAscii(hs.value(i));
            o.writeCrlf();
        }
        return ua;
    }

    /**
     * Writes the body: exactly its length, or chunked (RFC 9112 section 7.1) when the length is unknown or
     * trailers {@code t} follow it. The trailers' values are asked for after the body's last byte and before
     * the last chunk, so a supplier that fails, or outlives {@code call}'s deadline, leaves the message without
     * its end (the caller then closes the connection).
     */
    static void writeBody(OutBuffer o, RequestBody b, RequestTrailers t, ReadAhead.Waiter call) throws IOException {
        byte[] chunk = new byte[8192];
        long len = b.length();
        try (InputStream in = b.open()) {
            if (len >= 0 && t == null) {
                writeSized(o, in, len, chunk);
                return;
            }
            writeChunks(o, in, t == null ? -1 : len, chunk);
        }
        Headers fields = t == null ? null : t.collect(call);
        o.writeAscii("0\r\n"); // the last chunk, then the trailer section and its blank line
        if (fields != null) {
            for (int i = 0; i < fields.size(); i++) {
                o.writeAscii(fields.name(i));
                o.writeAscii(": ");
                o.writeAscii(fields.value(i));
                o.writeCrlf();
            }
        }
        o.writeCrlf();
    }

    private static void writeSized(OutBuffer o, InputStream in, long len, byte[] chunk) throws IOException {
        long left = len;
        while (left > 0) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) {
                throw new IOException("request body ended after " + (len - left) + " of " + len + " bytes");
            }
            o.write(chunk, 0, n);
            left -= n;
        }
    }

    /** Writes {@code len} bytes of {@code in} (-1: to its end) as chunks, without the last chunk. */
    private static void writeChunks(OutBuffer o, InputStream in, long len, byte[] chunk) throws IOException {
        long left = len;
        while (len < 0 || left > 0) {
            int n = in.read(chunk, 0, len < 0 ? chunk.length : (int) Math.min(chunk.length, left));
            if (n < 0 && len >= 0) {
                throw new IOException("request body ended after " + (len - left) + " of " + len + " bytes");
            }
            if (n < 0) {
                return;
            }
            if (n == 0) {
                continue;
            }
            o.writeHex(n);
            o.writeCrlf();
            o.write(chunk, 0, n);
            o.writeCrlf();
            left -= n;
        }
    }
}
