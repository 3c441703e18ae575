package io.hourglass.internal.h1;

import io.hourglass.http.Headers;

/** A parsed status line and header, with the framing derived from it. */
public final class ResponseHead {
    public int version;
    public int status;
    public String reason;
    public Headers headers = new Headers(16); // HTTP/2 hands over the decoded fields instead of copying them
    /** The body length; -1 when chunked; -2 when delimited by the connection's close. */
    public long contentLength;
    public boolean chunked;
    public boolean keepAlive;
    public int headBytes;

    public static final long UNTIL_CLOSE = -2;

    public void reset() {
        version = 0;
        status = 0;
        reason = null;
        headers.clear();
        contentLength = 0;
        chunked = false;
        keepAlive = false;
        headBytes = 0;
    }
}
