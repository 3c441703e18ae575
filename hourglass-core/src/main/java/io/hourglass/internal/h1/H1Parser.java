package io.hourglass.internal.h1;

import io.hourglass.http.Headers;
import io.hourglass.internal.HeadersAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The strict HTTP/1.1 head parser (RFC 9112), shared by the server (requests) and the client (responses).
 *
 * <p>A head is parsed only once its final CRLF CRLF has arrived, so a slow peer costs one scan of the
 * bytes, not one parse per read. Anything ambiguous is rejected with an {@link H1Exception} that carries the
 * status a server answers: bare LF line ends and a CR not followed by LF (at once, while scanning), obs-fold,
 * whitespace before a colon, CR/LF/NUL or other controls in a value, a request line that is not exactly three
 * parts, a request-target or a Host that is not valid (see {@link TargetSyntax}), a request line too long for
 * the head limit (414), a major version other than 1 (505), conflicting framing (see {@link #requestFraming})
 * and transfer codings it does not implement (501). One exception, for the client: a parser made with
 * {@link #forResponses} accepts a bare LF as the end of a line in a response head (RFC 9112 section 2.2 lets a
 * recipient do so, and Go, OkHttp, curl and browsers all do), while a lone CR is still rejected; the server
 * stays strict.
 */
public final class H1Parser {
    private final int maxHeadBytes;
    private final int maxHeaderCount;
    private final boolean bareLf; // response heads may end lines with a bare LF (the client's parser)

    /**
     * A strict parser: every line ends with CRLF (the server's).
     *
     * @param maxHeadBytes   the most bytes a head may take, request line and final CRLF included (431 past it)
     * @param maxHeaderCount the most header fields (431 past it)
     */
    public H1Parser(int maxHeadBytes, int maxHeaderCount) {
        this(maxHeadBytes, maxHeaderCount, false);
    }

    private H1Parser(int maxHeadBytes, int maxHeaderCount, boolean bareLf) {
        this.maxHeadBytes = maxHeadBytes;
        this.maxHeaderCount = maxHeaderCount;
        this.bareLf = bareLf;
    }

    /**
     * The client's parser: as strict as the server's, except that a line of a response head may end with a
     * bare LF (RFC 9112 section 2.2: "a recipient MAY recognize a single LF as a line terminator"). Chunk
     * lines and trailers keep CRLF.
     */
    public static H1Parser forResponses(int maxHeadBytes, int maxHeaderCount) {
        return new H1Parser(maxHeadBytes, maxHeaderCount, true);
    }

    public int maxHeadBytes() {
        return maxHeadBytes;
    }

    /**
     * Finds the end of a head in {@code in}, reading more when needed. Empty lines before the head are
     * skipped (RFC 9112 section 2.2). Returns the index just past the blank line, or -1 when the stream ended
     * before any byte of a head (a clean end of a keep-alive connection). For a response head (the client);
     * the server uses {@link #awaitRequestHead}.
     *
     * @param onFirstByte called once when the first byte of the head is available (starts a clock)
     */
    public int awaitHead(InBuffer in, Runnable onFirstByte) throws IOException {
        return await(in, onFirstByte, HEAD, null);
    }

    /**
     * {@link #awaitHead} for a request head: in addition, a request line that can never start a valid request
     * (not three parts, or no valid version: an HTTP/0.9-style {@code GET /path}) is rejected as soon as its
     * CRLF has arrived, rather than after waiting for a header that will not come. The check runs only when
     * the parser would otherwise wait for more bytes, so a head that arrives whole pays nothing for it. And a
     * request line that does not end within the head limit after its method is a target longer than this server
     * parses: 414 (RFC 9112 section 3), not the 431 of a head too large.
     */
    public int awaitRequestHead(InBuffer in, Runnable onFirstByte) throws IOException {
        return await(in, onFirstByte, REQUEST, null);
    }

    /**
     * {@link #awaitRequestHead} and {@link #parseRequest} in one, the server's way to read a request head: returns
     * the index just past the head's blank line with {@code h} parsed, or -1 when the stream ended before any byte
     * of a head. When the bytes the first read brought hold a whole head of the usual shape, it is parsed in the
     * same pass that finds its end (see {@code QuickRequest}); any other head takes the general path (scan, then
     * parse), and every head gets the same result and every rejection the same status and message either way.
     */
    public int readRequestHead(InBuffer in, Runnable onFirstByte, RequestHead h) throws IOException {
        h.quickParsed = false;
        int end = await(in, onFirstByte, REQUEST, h);
        if (end >= 0 && !h.quickParsed) {
            parseRequest(in.buf, in.pos, end, h);
        }
        return end;
    }

    /**
     * Finds the end of a trailer section (RFC 9112 section 7.1.2) starting at {@code in.pos}: the index just
     * past its blank line, which may be the very first line.
     */
    public int awaitTrailers(InBuffer in) throws IOException {
        int end = await(in, null, TRAILERS, null);
        if (end < 0) {
            throw new java.io.EOFException("connection closed before the end of the trailers");
        }
        return end;
    }

    private static final int HEAD = 0, REQUEST = 1, TRAILERS = 2;

    /** {@code quick}: a request head to try {@link QuickRequest} into, once, on the first bytes; null for none. */
    private int await(InBuffer in, Runnable onFirstByte, int kind, RequestHead quick) throws IOException {
        boolean trailers = kind == TRAILERS;
        int malformed = kind == HEAD ? 502 : 400; // a response head (the client's) is the upstream's fault
        boolean lf = bareLf && kind == HEAD;
        boolean lineChecked = kind != REQUEST;
        boolean started = false;
        int scan = in.pos;
        int firstLf = -1; // end of the first line, once seen (request heads only)
        while (true) {
            byte[] b = in.buf;
            int lim = in.lim;
            if (trailers && lim - in.pos >= 2 && b[in.pos] == '\r' && b[in.pos + 1] == '\n') {
                return in.pos + 2;
            }
            // skip empty lines ahead of the head, also one whose CR and LF came in different reads
            while (!trailers && !started && in.pos < lim) {
                if (in.pos + 1 < lim && b[in.pos] == '\r' && b[in.pos + 1] == '\n') {
                    in.pos += 2;
                } else if (lf && b[in.pos] == '\n') {
                    in.pos++;
                } else {
                    break;
                }
            }
            if (!started && lim > in.pos && !(lim - in.pos == 1 && b[in.pos] == '\r')) {
                started = true;
                if (onFirstByte != null) {
                    onFirstByte.run();
                }
            }
            if (quick != null && lim > in.pos) {
                // once: a head that trickles in takes the general path, which scans each byte once
                int end = QuickRequest.parse(b, in.pos, lim, maxHeadBytes, maxHeaderCount, quick);
                if (end >= 0) {
                    quick.quickParsed = true;
                    return end;
                }
                quick = null;
            }
            for (int i = Math.max(scan, in.pos); i < lim; i++) {
                if (b[i] == '\n') {
                    if (!lf && (i == in.pos || b[i - 1] != '\r')) {
                        throw new H1Exception(malformed, "line ended by a bare LF");
                    }
                    if (firstLf < 0) {
                        firstLf = i;
                    }
                    if (lf ? endsEmptyLine(b, in.pos, i) : i - in.pos >= 3 && b[i - 2] == '\n' && b[i - 3] == '\r') {
                        int end = i + 1;
                        if (end - in.pos > maxHeadBytes) {
                            throw tooLarge(in, kind, firstLf);
                        }
                        return end;
                    }
                } else if (b[i] == '\r' && i + 1 < lim && b[i + 1] != '\n') {
                    // RFC 9112 section 2.2: a bare CR MUST be rejected (or replaced). Rejected now, not when a
                    // blank line arrives: after CR CR LF a peer may never send one (it got 408 after the timeout).
                    throw new H1Exception(malformed, "CR not followed by LF");
                }
            }
            // a CR in the last byte is looked at again once the byte after it has arrived
            scan = lim > in.pos && b[lim - 1] == '\r' ? lim - 1 : lim;
            if (lim - in.pos > maxHeadBytes) {
                throw tooLarge(in, kind, firstLf);
            }
            if (!lineChecked && firstLf >= 0) {
                requestLineParts(b, in.pos, firstLf - 1); // about to wait: is the line worth waiting for?
                lineChecked = true;
            }
            int pos0 = in.pos;
            int n = in.fill();
            scan -= pos0 - in.pos; // a compaction moved the bytes
            if (firstLf >= 0) {
                firstLf -= pos0 - in.pos;
            }
            if (n < 0) {
                if (in.lim == in.pos) {
                    return -1;
                }
                throw new java.io.EOFException("connection closed in the middle of a head");
            }
            if (n == 0) {
                throw tooLarge(in, kind, firstLf);
            }
        }
    }

    /** Whether the LF at {@code i} ends an empty line: "\n\n" or "\n\r\n", after any line ending. */
    private static boolean endsEmptyLine(byte[] b, int from, int i) {
        return i - from >= 1 && b[i - 1] == '\n' || i - from >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n';
    }

    /** The start of the line after the one whose end {@link #lineEnd} found at {@code eol} (its CR or LF). */
    private static int next(byte[] buf, int eol) {
        return eol + (buf[eol] == '\r' ? 2 : 1);
    }

    /**
     * The head in {@code in} from {@code in.pos} is over the limit. For a request whose line alone does not fit
     * (no line end within the limit) and which has a space after its method, the target is what is too long:
     * 414 URI Too Long, which RFC 9112 section 3 requires for "a request-target longer than any URI it wishes to
     * parse". Otherwise (the fields are what is too big, or a method with no end) 431.
     */
    private H1Exception tooLarge(InBuffer in, int kind, int firstLf) {
        int lineLimit = Math.min(in.lim, in.pos + maxHeadBytes);
        if (kind == REQUEST && (firstLf < 0 || firstLf >= lineLimit) && indexOf(in.buf, in.pos, lineLimit, (byte) ' ') >= 0) {
            return new H1Exception(414, "request target too long: the request line is longer than the "
                    + maxHeadBytes + "-byte head limit", H1Exception.Limit.TARGET_BYTES);
        }
        return new H1Exception(431, "head larger than " + maxHeadBytes + " bytes", H1Exception.Limit.HEAD_BYTES);
    }

    /** Parses the request head in {@code buf[start, end)} (as found by {@link #awaitHead}) into {@code h}. */
    public void parseRequest(byte[] buf, int start, int end, RequestHead h) throws H1Exception {
        h.reset();
        h.headBytes = end - start;
        int eol = lineEnd(buf, start, end, false);
        long parts = requestLineParts(buf, start, eol);
        int sp1 = (int) (parts >>> 32);
        int sp2 = (int) parts;
        for (int i = start; i < sp1; i++) {
            if (!Headers.isTokenChar(buf[i] & 0xff)) {
                throw new H1Exception(400, "method has a character not allowed in a token");
            }
        }
        h.method = method(buf, start, sp1 - start);
        for (int i = sp1 + 1; i < sp2; i++) {
            int c = buf[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                throw new H1Exception(400, "request target has a control, space or non-ASCII character");
            }
        }
        h.target = new String(buf, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        h.version = version(buf, sp2 + 1, eol);
        TargetSyntax.checkTarget(h.method, h.target);
        fields(buf, eol + 2, end, h.headers, h);
        requestFraming(h);
        String authority = h.method.equals("CONNECT") ? null : TargetSyntax.absoluteAuthority(h.target);
        if (authority != null) {
            // RFC 9112 section 3.2.2: an origin server that receives an absolute-form target "MUST ignore the
            // received Host header field (if any) and instead use the host information of the request-target".
            // The received one was still checked above (section 3.2); what the handler and router see is this.
            h.headers.set("Host", authority);
        }
    }

    /**
     * Checks the shape of the request line {@code buf[start, eol)}: method SP request-target SP HTTP-version
     * (RFC 9112 section 3), single spaces only, and a version this server speaks (505 for another one).
     * Returns the two spaces' indexes, the first in the high half.
     */
    private static long requestLineParts(byte[] buf, int start, int eol) throws H1Exception {
        int sp1 = indexOf(buf, start, eol, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(buf, sp1 + 1, eol, (byte) ' ');
        if (sp1 <= start || sp2 < 0 || sp2 == sp1 + 1 || indexOf(buf, sp2 + 1, eol, (byte) ' ') >= 0 || sp2 + 1 == eol) {
            throw new H1Exception(400, "request line is not three parts separated by single spaces");
        }
        version(buf, sp2 + 1, eol);
        return ((long) sp1 << 32) | sp2;
    }

    /** Parses the response head in {@code buf[start, end)} into {@code h}; {@code method} is the request's. */
    public void parseResponse(byte[] buf, int start, int end, String method, ResponseHead h) throws H1Exception {
        h.reset();
        h.headBytes = end - start;
        int eol;
        try {
            eol = lineEnd(buf, start, end, bareLf);
        } catch (H1Exception e) {
            throw new H1Exception(502, "malformed status line: " + e.getMessage());
        }
        // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 section 4)
        if (eol - start < 12 || buf[start + 8] != ' ') {
            throw new H1Exception(502, "malformed status line");
        }
        try {
            h.version = version(buf, start, start + 8);
        } catch (H1Exception e) {
            throw new H1Exception(502, "malformed status line: " + e.getMessage());
        }
        int code = 0;
        for (int i = start + 9; i < start + 12; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw new H1Exception(502, "malformed status code");
            }
            code = code * 10 + d;
        }
        if (code < 100) {
            throw new H1Exception(502, "status code below 100");
        }
        if (eol > start + 12 && buf[start + 12] != ' ') {
            throw new H1Exception(502, "malformed status line");
        }
        h.status = code;
        h.reason = eol > start + 13 ? new String(buf, start + 13, eol - start - 13, StandardCharsets.ISO_8859_1) : "";
        for (int i = start + 13; i < eol; i++) {
            int c = buf[i] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new H1Exception(502, "control character in reason phrase");
            }
        }
        try {
            parseFields(buf, next(buf, eol), end, h.headers);
        } catch (H1Exception e) {
            throw new H1Exception(502, e.getMessage());
        }
        responseFraming(method, h);
    }

    /** Parses header fields (or trailer fields) from {@code buf[p, end)}, which ends with the blank line. */
    public void parseFields(byte[] buf, int p, int end, Headers out) throws H1Exception {
        fields(buf, p, end, out, null);
    }

    /**
     * {@link #parseFields}, noting in {@code h} (when not null: a request head) which fields that decide the
     * framing it met, in the same pass, so that {@link #requestFraming} need not look each one up again.
     */
    private void fields(byte[] buf, int p, int end, Headers out, RequestHead h) throws H1Exception {
        int count = 0;
        while (p < end) {
            int eol = lineEnd(buf, p, end, bareLf);
            if (eol == p) {
                return; // the blank line
            }
            if (++count > maxHeaderCount) {
                throw new H1Exception(431, "more than " + maxHeaderCount + " header fields", H1Exception.Limit.FIELD_COUNT);
            }
            byte first = buf[p];
            if (first == ' ' || first == '\t') {
                throw new H1Exception(400, "obsolete line folding (obs-fold) is not accepted");
            }
            int colon = -1;
            for (int i = p; i < eol; i++) {
                int c = buf[i] & 0xff;
                if (c == ':') {
                    colon = i;
                    break;
                }
                if (!Headers.isTokenChar(c)) {
                    throw new H1Exception(400, c == ' ' || c == '\t'
                            ? "whitespace between a field name and its colon"
                            : "field name has a character not allowed in a token");
                }
            }
            if (colon <= p) {
                throw new H1Exception(400, colon < 0 ? "header line without a colon" : "empty field name");
            }
            int vs = colon + 1;
            int ve = eol;
            while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) vs++;
            while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) ve--;
            for (int i = vs; i < ve; i++) {
                int c = buf[i] & 0xff;
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new H1Exception(400, "field value has CR, LF, NUL or another control character");
                }
            }
            appendField(buf, p, colon, vs, ve, out, h);
            p = next(buf, eol);
        }
    }

    /**
     * Appends the field named {@code b[ns, ne)} with the value {@code b[vs, ve)}, both already checked, to
     * {@code out}, noting in {@code h} (when not null: a request head) whether its name is a known spelling and
     * which framing field it is; shared by the general parse and {@link QuickRequest}.
     *
     * @return whether the field is the head's first Host field in a known spelling
     */
    static boolean appendField(byte[] b, int ns, int ne, int vs, int ve, Headers out, RequestHead h) {
        boolean firstHost = false;
        String name = KnownNames.lookup(b, ns, ne - ns);
        if (name == null) {
            name = new String(b, ns, ne - ns, StandardCharsets.ISO_8859_1);
            if (h != null) {
                h.otherNames = true; // e.g. "HOST": only a case-insensitive look-up can tell what it is
            }
        } else if (h != null) {
            int bit = KnownNames.framingBit(name);
            if (bit == KnownNames.HOST && h.hosts++ == 0) {
                h.hostIndex = out.size(); // the index the append below gives it
                firstHost = true;
            }
            h.fields |= bit;
        }
        // the bytes were checked: the unchecked append skips a second pass (not public API)
        HeadersAccess.appendUnchecked(out, name, new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1));
        return firstHost;
    }

    /**
     * Index of the CR of the CRLF that ends the line starting at {@code p} (or of a bare LF when
     * {@code lf}); rejects a lone CR.
     */
    private static int lineEnd(byte[] buf, int p, int end, boolean lf) throws H1Exception {
        for (int i = p; i < end; i++) {
            byte c = buf[i];
            if (c == '\r') {
                if (i + 1 == end) {
                    break;
                }
                if (buf[i + 1] != '\n') {
                    throw new H1Exception(400, "CR not followed by LF");
                }
                return i;
            }
            if (c == '\n' && lf) {
                return i;
            }
            if (c == '\n' || c == 0) {
                throw new H1Exception(400, c == 0 ? "NUL in the head" : "line ended by a bare LF");
            }
        }
        throw new H1Exception(400, "line without CRLF");
    }

    /**
     * Whether {@code name} is, ignoring case, one of the field names the parser knows by their exact spelling. When
     * it is not, a head whose {@link RequestHead#hasOnlyKnownNames} is true surely has no field of that name.
     */
    public static boolean isKnownName(String name) {
        return KnownNames.knownIgnoreCase(name);
    }

    private static int indexOf(byte[] buf, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) return i;
        }
        return -1;
    }

    /**
     * HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3): 10 for HTTP/1.0, 11 for HTTP/1.1 and for any
     * higher HTTP/1 minor version, which RFC 9110 section 2.5 says a recipient SHOULD process as the highest
     * minor version it conforms to; 505 for another major version (HTTP/2 and HTTP/3 do not use this syntax).
     */
    private static int version(byte[] b, int p, int end) throws H1Exception {
        if (end - p == 8 && b[p] == 'H' && b[p + 1] == 'T' && b[p + 2] == 'T' && b[p + 3] == 'P' && b[p + 4] == '/'
                && isDigit(b[p + 5]) && b[p + 6] == '.' && isDigit(b[p + 7])) {
            int major = b[p + 5] - '0';
            int minor = b[p + 7] - '0';
            if (major == 1) {
                return minor == 0 ? 10 : 11;
            }
            throw new H1Exception(505, "HTTP version " + major + "." + minor + " is not supported");
        }
        throw new H1Exception(400, "malformed HTTP version");
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    static String method(byte[] b, int p, int n) {
        if (n == 3 && b[p] == 'G' && b[p + 1] == 'E' && b[p + 2] == 'T') return "GET";
        if (n == 4 && b[p] == 'P' && b[p + 1] == 'O' && b[p + 2] == 'S' && b[p + 3] == 'T') return "POST";
        if (n == 4 && b[p] == 'H' && b[p + 1] == 'E' && b[p + 2] == 'A' && b[p + 3] == 'D') return "HEAD";
        if (n == 3 && b[p] == 'P' && b[p + 1] == 'U' && b[p + 2] == 'T') return "PUT";
        String s = new String(b, p, n, StandardCharsets.ISO_8859_1);
        return switch (s) {
            case "DELETE" -> "DELETE";
            case "PATCH" -> "PATCH";
            case "OPTIONS" -> "OPTIONS";
            default -> s;
        };
    }

    /**
     * Derives a request's body framing (RFC 9112 section 6) and rejects every ambiguous case with 400:
     * Transfer-Encoding together with Content-Length, Transfer-Encoding on HTTP/1.0, a Transfer-Encoding whose
     * final coding is not chunked or that applies chunked twice, Content-Length values that differ or are not
     * plain digits; also a missing or repeated Host in HTTP/1.1, and a Host that is not a valid host[:port] (RFC
     * 9112 section 3.2). A final chunked after a coding this parser does not implement (gzip, chunked) gets 501.
     */
    static void requestFraming(RequestHead h) throws H1Exception {
        Headers hs = h.headers;
        // Every name in a known spelling (the usual head): the parse's bits say which fields are there, and
        // only those are looked up. Otherwise a name such as "HOST" may be any of them: look each one up.
        boolean exact = !h.otherNames;
        int hosts = exact ? h.hosts : hs.count("Host");
        if (h.version == 11 ? hosts != 1 : hosts > 1) {
            throw new H1Exception(400, hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host");
        }
        if (hosts == 1) {
            // "a Host header field with an invalid field-value" gets 400 too (RFC 9112 section 3.2)
            String host = exact ? hs.value(h.hostIndex) : hs.first("Host");
            // QuickRequest checked the usual host[:port] on its bytes already (the same answer, without a String walk)
            if (!(exact && h.hostChecked) && !TargetSyntax.isHostPort(host, 0, host.length(), false)) {
                throw new H1Exception(400, "Host is not a valid host[:port]");
            }
        }
        boolean hasTe = exact ? (h.fields & KnownNames.TRANSFER_ENCODING) != 0 : hs.contains("Transfer-Encoding");
        boolean hasCl = exact ? (h.fields & KnownNames.CONTENT_LENGTH) != 0 : hs.contains("Content-Length");
        if (hasTe) {
            if (h.version == 10) {
                throw new H1Exception(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (hasCl) {
                throw new H1Exception(400, "both Transfer-Encoding and Content-Length");
            }
            checkOnlyChunked(hs);
            h.chunked = true;
            h.contentLength = -1;
        } else if (hasCl) {
            h.contentLength = contentLength(hs);
        }
        boolean hasConn = exact ? (h.fields & KnownNames.CONNECTION) != 0 : hs.contains("Connection");
        if (h.version == 11) {
            h.keepAlive = !hasConn || !hs.hasToken("Connection", "close");
        } else {
            h.keepAlive = hasConn && hs.hasToken("Connection", "keep-alive") && !hs.hasToken("Connection", "close");
        }
        String expect = exact && (h.fields & KnownNames.EXPECT) == 0 ? null : hs.first("Expect");
        if (expect != null) {
            if (expect.equalsIgnoreCase("100-continue") && h.version == 11) {
                h.expectContinue = true;
            }
        }
    }

    /** Derives a response's body framing (RFC 9112 section 6.3); ambiguous framing fails with 502. */
    static void responseFraming(String method, ResponseHead h) throws H1Exception {
        Headers hs = h.headers;
        h.keepAlive = h.version == 11
                ? !hs.hasToken("Connection", "close")
                : hs.hasToken("Connection", "keep-alive") && !hs.hasToken("Connection", "close");
        if ("HEAD".equals(method) || h.status / 100 == 1 || h.status == 204 || h.status == 304) {
            h.contentLength = 0;
            return;
        }
        boolean hasTe = hs.contains("Transfer-Encoding");
        boolean hasCl = hs.contains("Content-Length");
        try {
            if (hasTe) {
                if (hasCl) {
                    throw new H1Exception(502, "both Transfer-Encoding and Content-Length");
                }
                checkOnlyChunked(hs);
                h.chunked = true;
                h.contentLength = -1;
            } else if (hasCl) {
                h.contentLength = contentLength(hs);
            } else {
                h.contentLength = ResponseHead.UNTIL_CLOSE;
                h.keepAlive = false;
            }
        } catch (H1Exception e) {
            throw new H1Exception(502, e.getMessage());
        }
    }

    /**
     * Checks that Transfer-Encoding (all its fields, as one list) is chunked alone. When chunked is not the final
     * coding the length cannot be known: 400 (RFC 9112 section 6.3 item 4), as for chunked applied twice
     * (section 6.1: "MUST NOT apply chunked more than once") or a coding that is not even a token. When chunked
     * is final and once, the framing is known but the codings before it are ones this parser does not implement
     * (only chunked is): 501, which section 6.1 recommends for "a transfer coding it does not understand". The
     * caller closes the connection either way, and no byte of the body is read.
     */
    private static void checkOnlyChunked(Headers hs) throws H1Exception {
        int codings = 0;
        boolean lastChunked = false;
        boolean chunkedBefore = false;
        boolean malformed = false;
        String unknown = null; // the first coding other than chunked
        for (int i = 0; i < hs.size(); i++) {
            if (!hs.name(i).equalsIgnoreCase("Transfer-Encoding")) continue;
            for (String part : hs.value(i).split(",", -1)) {
                String c = part.strip();
                if (c.isEmpty()) {
                    continue;
                }
                codings++;
                chunkedBefore |= lastChunked;
                lastChunked = c.equalsIgnoreCase("chunked");
                if (!lastChunked) {
                    malformed |= !isCoding(c);
                    unknown = unknown == null ? c : unknown;
                }
            }
        }
        if (!lastChunked || chunkedBefore || malformed) {
            throw new H1Exception(400, "transfer coding other than a single final chunked");
        }
        if (unknown != null) {
            String name = unknown.length() > 40 ? unknown.substring(0, 40) + "..." : unknown;
            throw new H1Exception(501, "transfer coding " + name + " is not implemented (only chunked is)");
        }
    }

    /** Whether {@code c} starts with a transfer-coding name (a token) followed by nothing or its parameters. */
    private static boolean isCoding(String c) {
        int i = 0;
        while (i < c.length() && Headers.isTokenChar(c.charAt(i))) i++;
        if (i == 0) {
            return false;
        }
        while (i < c.length() && (c.charAt(i) == ' ' || c.charAt(i) == '\t')) i++;
        return i == c.length() || c.charAt(i) == ';';
    }

    private static long contentLength(Headers hs) throws H1Exception {
        long value = -1;
        for (int i = 0; i < hs.size(); i++) {
            if (!hs.name(i).equalsIgnoreCase("Content-Length")) continue;
            // RFC 9110 section 8.6: a list of identical values may be taken as one; anything else is an error.
            for (String part : hs.value(i).split(",", -1)) {
                long v = digits(part.strip());
                if (value >= 0 && v != value) {
                    throw new H1Exception(400, "differing Content-Length values");
                }
                value = v;
            }
        }
        return value;
    }

    private static long digits(String s) throws H1Exception {
        int n = s.length();
        if (n == 0 || n > 18) {
            throw new H1Exception(400, "malformed Content-Length");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new H1Exception(400, "malformed Content-Length");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
