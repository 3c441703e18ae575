package io.hourglass.internal.h2;

import io.hourglass.http.Headers;
import io.hourglass.internal.HeadersAccess;
import java.util.Locale;
import java.util.Set;

/**
 * The HTTP/2 message rules of RFC 9113 sections 8.2 and 8.3, shared by server and client: checking a decoded
 * {@link FieldList} and mapping it to {@link Headers} ({@link #request}, {@link #response},
 * {@link #trailers}), and building a FieldList from Headers ({@link #requestFields}, {@link #responseFields},
 * {@link #trailerFields}).
 *
 * <p>A received message that breaks a rule is <em>malformed</em> (section 8.1.1): a stream error
 * PROTOCOL_ERROR on its stream; a server may answer 400 before resetting it. The checks:
 * <ul>
 *   <li>names are lowercase RFC 9110 tokens; values hold no NUL, CR, LF or other control but HTAB, and
 *       neither start nor end with SP or HTAB (section 8.2.1; the other controls as HTTP/1.1 rejects them);</li>
 *   <li>no connection-specific field: connection, keep-alive, proxy-connection, transfer-encoding, upgrade;
 *       {@code te} only as "trailers" (section 8.2.2);</li>
 *   <li>pseudo-header fields come before the regular ones, are known for the message kind, and appear once;
 *       trailers have none (section 8.3);</li>
 *   <li>requests: {@code :method}, {@code :scheme} and a non-empty {@code :path} ({@code /...}, or
 *       {@code *} for OPTIONS, for http and https; no fragment, as HTTP/1.1's target); CONNECT has {@code :authority} and neither {@code :scheme}
 *       nor {@code :path} (section 8.5); no userinfo in {@code :authority}; a Host that differs from
 *       {@code :authority} is refused (section 8.3.1);</li>
 *   <li>responses: one {@code :status} of three digits, 100 to 599, and not 101 (section 8.6);</li>
 *   <li>{@code content-length} is one decimal number.</li>
 * </ul>
 * Received fields reach {@link Headers} through {@link HeadersAccess#appendUnchecked}: after these checks
 * they meet its contract (token names, values without CR, LF, NUL or controls other than HTAB).
 *
 * <p>A list over the decoder's header list limit ({@link FieldList#overLimit()}) must be refused before
 * (431 or a reset): these methods reject it with IllegalArgumentException.
 */
public final class H2Messages {
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");
    private static final String[] STATUS = new String[600];

    static {
        for (int i = 100; i < STATUS.length; i++) {
            STATUS[i] = Integer.toString(i);
        }
    }

    private H2Messages() {}

    /** Checks a request's header block and maps it (see {@link H2RequestHead} for the mapping). */
    public static H2RequestHead request(int streamId, FieldList f) throws H2Exception {
        requireWhole(f);
        String method = null, scheme = null, authority = null, path = null;
        int i = 0;
        for (; i < f.size() && f.name(i).startsWith(":"); i++) {
            String name = f.name(i);
            String value = f.value(i);
            checkValue(streamId, name, value);
            switch (name) {
                case ":method" -> method = once(streamId, name, method, value);
                case ":scheme" -> scheme = once(streamId, name, scheme, value);
                case ":authority" -> authority = once(streamId, name, authority, value);
                case ":path" -> path = once(streamId, name, path, value);
                default -> throw malformed(streamId, "unknown pseudo-header field " + name + " in a request");
            }
        }
        checkRequestLine(streamId, method, scheme, authority, path);
        Headers h = new Headers(f.size() - i + 1);
        if (authority != null && !hasHost(f, i)) {
            HeadersAccess.appendUnchecked(h, "host", authority);
        }
        StringBuilder cookie = null;
        long contentLength = -1;
        for (; i < f.size(); i++) {
            String name = f.name(i);
            String value = f.value(i);
            checkRegular(streamId, name, value);
            if (name.equals("host") && authority != null && !value.equalsIgnoreCase(authority)) {
                throw malformed(streamId, "Host " + value + " differs from :authority " + authority);
            }
            if (name.equals("content-length")) {
                contentLength = contentLength(streamId, value, contentLength);
            }
            if (name.equals("cookie")) {
                cookie = cookie == null ? new StringBuilder(value) : cookie.append("; ").append(value);
            } else {
                HeadersAccess.appendUnchecked(h, name, value);
            }
        }
        if (cookie != null) {
            HeadersAccess.appendUnchecked(h, "cookie", cookie.toString());
        }
        return new H2RequestHead(method, scheme, authority, path, h, contentLength);
    }

    private static void checkRequestLine(int streamId, String method, String scheme, String authority, String path)
            throws H2Exception {
        if (method == null) {
            throw malformed(streamId, "request without :method");
        }
        checkToken(streamId, ":method", method);
        if (method.equals("CONNECT")) {
            if (authority == null || scheme != null || path != null) {
                throw malformed(streamId, "CONNECT request needs :authority and neither :scheme nor :path");
            }
            return;
        }
        if (scheme == null || path == null) {
            throw malformed(streamId, "request without " + (scheme == null ? ":scheme" : ":path"));
        }
        checkToken(streamId, ":scheme", scheme);
        for (int k = 0; k < path.length(); k++) {
            char c = path.charAt(k);
            if (c <= 0x20 || c >= 0x7f) {
                throw malformed(streamId, ":path has a control, space or non-ASCII character");
            }
        }
        if (path.indexOf('#') >= 0) {
            throw malformed(streamId, ":path has a fragment ('#'), which a request never carries");
        }
        boolean web = scheme.equals("http") || scheme.equals("https");
        if (path.isEmpty() || (web && path.charAt(0) != '/' && !(path.equals("*") && method.equals("OPTIONS")))) {
            throw malformed(streamId, ":path " + (path.isEmpty() ? "is empty" : path + " is neither /... nor * for OPTIONS"));
        }
        if (web && authority != null && authority.indexOf('@') >= 0) {
            throw malformed(streamId, ":authority has userinfo");
        }
    }

    private static boolean hasHost(FieldList f, int from) {
        for (int i = from; i < f.size(); i++) {
            if (f.name(i).equals("host")) {
                return true;
            }
        }
        return false;
    }

    /** Checks a response's header block (final or interim) and maps it. */
    public static H2ResponseHead response(int streamId, FieldList f) throws H2Exception {
        requireWhole(f);
        if (f.size() == 0 || !f.name(0).equals(":status")) {
            throw malformed(streamId, f.size() > 0 && f.name(0).startsWith(":")
                    ? "pseudo-header field " + f.name(0) + " in a response" : "response without :status");
        }
        String s = f.value(0);
        int status = s.length() == 3 ? parseStatus(s) : -1;
        if (status < 100 || status == 101) {
            throw malformed(streamId, ":status " + s + (status == 101 ? " is not allowed in HTTP/2" : " is not 3 digits from 100 to 599"));
        }
        Headers h = new Headers(f.size());
        long contentLength = regular(streamId, f, 1, h);
        return new H2ResponseHead(status, h, contentLength);
    }

    private static int parseStatus(String s) {
        int v = 0;
        for (int k = 0; k < 3; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v < 600 ? v : -1;
    }

    /** Checks a trailer section (no pseudo-header fields, section 8.1) and maps it. */
    public static Headers trailers(int streamId, FieldList f) throws H2Exception {
        requireWhole(f);
        Headers h = new Headers(f.size());
        regular(streamId, f, 0, h);
        return h;
    }

    private static long regular(int streamId, FieldList f, int from, Headers h) throws H2Exception {
        long contentLength = -1;
        for (int i = from; i < f.size(); i++) {
            String name = f.name(i);
            String value = f.value(i);
            checkRegular(streamId, name, value);
            if (name.equals("content-length")) {
                contentLength = contentLength(streamId, value, contentLength);
            }
            HeadersAccess.appendUnchecked(h, name, value);
        }
        return contentLength;
    }

    private static void checkRegular(int streamId, String name, String value) throws H2Exception {
        if (name.startsWith(":")) {
            throw malformed(streamId, "pseudo-header field " + name + " after a regular field or in trailers");
        }
        if (name.isEmpty()) {
            throw malformed(streamId, "empty field name");
        }
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            if (c >= 'A' && c <= 'Z') {
                throw malformed(streamId, "field name " + name + " has uppercase characters");
            }
            if (!Headers.isTokenChar(c)) {
                throw malformed(streamId, "field name has a character not allowed in a token");
            }
        }
        if (CONNECTION_SPECIFIC.contains(name)) {
            throw malformed(streamId, "connection-specific field " + name);
        }
        if (name.equals("te") && !value.equalsIgnoreCase("trailers")) {
            throw malformed(streamId, "te field other than \"trailers\"");
        }
        checkValue(streamId, name, value);
    }

    private static void checkValue(int streamId, String name, String value) throws H2Exception {
        int n = value.length();
        for (int k = 0; k < n; k++) {
            char c = value.charAt(k);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw malformed(streamId, "value of " + name + " has a NUL, CR, LF or other control character");
            }
        }
        if (n > 0 && (isWs(value.charAt(0)) || isWs(value.charAt(n - 1)))) {
            throw malformed(streamId, "value of " + name + " starts or ends with whitespace");
        }
    }

    private static void checkToken(int streamId, String name, String value) throws H2Exception {
        for (int k = 0; k < value.length(); k++) {
            if (!Headers.isTokenChar(value.charAt(k))) {
                throw malformed(streamId, name + " " + value + " is not a token");
            }
        }
        if (value.isEmpty()) {
            throw malformed(streamId, name + " is empty");
        }
    }

    private static String once(int streamId, String name, String previous, String value) throws H2Exception {
        if (previous != null) {
            throw malformed(streamId, "pseudo-header field " + name + " repeated");
        }
        return value;
    }

    private static long contentLength(int streamId, String value, long previous) throws H2Exception {
        long v = 0;
        if (value.isEmpty() || value.length() > 18) {
            v = -1;
        }
        for (int k = 0; k < value.length() && v >= 0; k++) {
            char c = value.charAt(k);
            v = c >= '0' && c <= '9' ? v * 10 + (c - '0') : -1;
        }
        if (v < 0 || (previous >= 0 && previous != v)) {
            throw malformed(streamId, "content-length " + value + (v < 0 ? " is not a decimal number" : " differs from an earlier one"));
        }
        return v;
    }

    private static void requireWhole(FieldList f) {
        if (f.overLimit()) {
            throw new IllegalArgumentException("the header list is over the limit: refuse it (431) before mapping it");
        }
    }

    /** Without leading and trailing SP and HTAB (String.strip would also take other whitespace). */
    private static String trim(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isWs(s.charAt(b))) b++;
        while (e > b && isWs(s.charAt(e - 1))) e--;
        return b == 0 && e == s.length() ? s : s.substring(b, e);
    }

    private static boolean isWs(char c) {
        return c == ' ' || c == '\t';
    }

    private static H2Exception malformed(int streamId, String message) {
        return H2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "malformed message: " + message);
    }

    // ---- building field lists ----------------------------------------------------------------------

    /**
     * The fields of a request: {@code :method}, {@code :scheme}, {@code :authority}, {@code :path} (only
     * {@code :method} and {@code :authority} for CONNECT), then {@code h} as {@link #regularFields} maps it.
     * A null {@code authority} is taken from Host; Host itself is never sent (section 8.3.1).
     */
    public static void requestFields(String method, String scheme, String authority, String path, Headers h, FieldList out) {
        out.clear();
        boolean connect = method.equals("CONNECT");
        out.add(":method", method);
        if (!connect) {
            out.add(":scheme", scheme);
        }
        String a = authority != null ? authority : h.first("host");
        if (a != null) {
            out.add(":authority", a);
        }
        if (!connect) {
            out.add(":path", path);
        }
        regularFields(h, out, true);
    }

    /** The fields of a response: {@code :status} (100 to 599, not 101), then {@code h}. */
    public static void responseFields(int status, Headers h, FieldList out) {
        if (status < 100 || status > 599 || status == 101) {
            throw new IllegalArgumentException("status " + status + " cannot be sent over HTTP/2");
        }
        out.clear();
        out.add(":status", STATUS[status]);
        regularFields(h, out, false);
    }

    /**
     * The fields of a response whose framing a server owns: {@code :status}, {@code date}, then {@code h}
     * without its own {@code content-length} and {@code date} fields, then {@code content-length} when the
     * length is known ({@code contentLength >= 0}) and the status allows one (not 1xx or 204).
     */
    public static void serverResponseFields(int status, Headers h, String date, long contentLength, FieldList out) {
        responseFields(status, EMPTY, out);
        out.add("date", date);
        regularFields(h, out, false, true);
        if (contentLength >= 0 && status >= 200 && status != 204) {
            out.add("content-length", Long.toString(contentLength));
        }
    }

    private static final Headers EMPTY = new Headers(0);

    /** The fields of a trailer section: {@code h} alone. */
    public static void trailerFields(Headers h, FieldList out) {
        out.clear();
        regularFields(h, out, false);
    }

    /**
     * Appends {@code h} as HTTP/2 fields: names lowercased, values trimmed of surrounding whitespace; Host,
     * the connection-specific fields and those the Connection field names (RFC 9110 section 7.6.1) left
     * out; {@code te} only as "trailers" when it lists it. A request's Cookie is split into one field per
     * cookie (section 8.2.3), which compresses better.
     */
    static void regularFields(Headers h, FieldList out, boolean request) {
        regularFields(h, out, request, false);
    }

    private static void regularFields(Headers h, FieldList out, boolean request, boolean framingOwned) {
        boolean nominates = h.contains("connection");
        boolean te = false;
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i).toLowerCase(Locale.ROOT); // the same String when already lowercase
            if (CONNECTION_SPECIFIC.contains(name) || name.equals("host") || (nominates && h.hasToken("connection", name))) {
                continue;
            }
            if (framingOwned && (name.equals("content-length") || name.equals("date"))) {
                continue;
            }
            if (name.equals("te")) {
                if (!te && h.hasToken("te", "trailers")) {
                    out.add("te", "trailers");
                    te = true;
                }
                continue;
            }
            String value = trim(h.value(i));
            if (request && name.equals("cookie")) {
                cookieCrumbs(value, out);
            } else {
                out.add(name, value);
            }
        }
    }

    private static void cookieCrumbs(String value, FieldList out) {
        int start = 0;
        while (start <= value.length()) {
            int semi = value.indexOf(';', start);
            int end = semi < 0 ? value.length() : semi;
            String crumb = trim(value.substring(start, end));
            if (!crumb.isEmpty()) {
                out.add("cookie", crumb);
            }
            start = end + 1;
        }
    }
}
