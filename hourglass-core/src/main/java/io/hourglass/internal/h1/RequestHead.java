package io.hourglass.internal.h1;

import io.hourglass.http.Headers;

/** A parsed request line and header, with the framing derived from it. Reused across requests. */
public final class RequestHead {
    public String method;
    public String target;
    /** 11 for HTTP/1.1, 10 for HTTP/1.0. */
    public int version;
    public final Headers headers = new Headers(16);
    /** The body length, -1 when chunked, 0 when there is no body. */
    public long contentLength;
    public boolean chunked;
    /** Whether the client asked to keep the connection open (HTTP/1.1 default, or 1.0 with keep-alive). */
    public boolean keepAlive;
    public boolean expectContinue;
    /** Bytes of the head on the wire, request line and final CRLF included. */
    public int headBytes;

    public void reset() {
        method = null;
        target = null;
        version = 0;
        headers.clear();
        contentLength = 0;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
        headBytes = 0;
    }
}
