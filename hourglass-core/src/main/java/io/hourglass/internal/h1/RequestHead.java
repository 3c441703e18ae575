package io.hourglass.internal.h1;

import io.hourglass.http.Headers;

/**
 * A parsed request line and header, with the framing derived from it. Reused across the requests of a connection;
 * its fields are not, once a request has taken them ({@link #takeHeaders}).
 */
public final class RequestHead {
    public String method;
    public String target;
    /** 11 for HTTP/1.1, 10 for HTTP/1.0. */
    public int version;
    /**
     * The fields of the head being parsed. Once {@link #takeHeaders} has handed them to a request, the next
     * {@link #reset} starts a new instance: a handler may keep its request (and read its headers) past the
     * next request on the connection.
     */
    public Headers headers = new Headers(16);
    private boolean headersTaken;
    /** The body length, -1 when chunked, 0 when there is no body. */
    public long contentLength;
    public boolean chunked;
    /** Whether the client asked to keep the connection open (HTTP/1.1 default, or 1.0 with keep-alive). */
    public boolean keepAlive;
    public boolean expectContinue;
    /** Bytes of the head on the wire, request line and final CRLF included. */
    public int headBytes;
    /**
     * Whether a field name was not one of the parser's known spellings (such as {@code Host} and {@code host},
     * but not {@code HOST}). When false, the framing bits below and {@link #hasOnlyKnownNames} describe every
     * field, so a look-up of a name that is not there needs no scan of the fields.
     */
    boolean otherNames;
    int fields;      // KnownNames.HOST, CONTENT_LENGTH ... bits of the known spellings seen
    int hosts;       // Host fields in a known spelling
    int hostIndex;   // the first of them, an index into headers
    boolean hostChecked; // QuickRequest found that Host value a valid host[:port] (TargetSyntax.isPlainHostPort)
    boolean quickParsed; // QuickRequest parsed this head: H1Parser.readRequestHead has nothing left to do

    /**
     * Whether every field name of this head is one of the parser's known spellings (see {@code KnownNames}); then
     * a field whose name is none of those, such as a deadline header, is surely absent (see
     * {@link H1Parser#isKnownName}).
     */
    public boolean hasOnlyKnownNames() {
        return !otherNames;
    }

    /** The fields, for a request that owns them from now on: this head parses the next one into new ones. */
    public Headers takeHeaders() {
        headersTaken = true;
        return headers;
    }

    public void reset() {
        method = null;
        target = null;
        version = 0;
        if (headersTaken) {
            headers = new Headers(16);
            headersTaken = false;
        } else {
            headers.clear(); // a head rejected before it became a request: nobody holds its fields
        }
        contentLength = 0;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
        headBytes = 0;
        otherNames = false;
        fields = 0;
        hosts = 0;
        hostIndex = -1;
        hostChecked = false;
        quickParsed = false;
    }
}
