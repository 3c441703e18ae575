package io.hourglass.internal.h1;

/**
 * The syntax of a request's target (RFC 9112 section 3.2) and of a Host value (RFC 9112 section 3.2, with
 * RFC 3986 section 3.2.2's host and 3.2.3's port). Checks only: nothing is decoded or normalized.
 *
 * <p>The target is one of four forms, each for its methods: origin-form ({@code /path?query}) for every
 * method but CONNECT; absolute-form ({@code http://host:port/path?query}, http or https only: this is an
 * origin server, not a proxy); authority-form ({@code host:port}) for CONNECT only; asterisk-form
 * ({@code *}) for OPTIONS only. A fragment ({@code #}) is never part of a request-target, so a target with
 * one is rejected rather than looked up (or silently cut, which would serve something the client did not
 * name). The caller has already rejected controls, spaces and non-ASCII bytes.
 */
final class TargetSyntax {
    private TargetSyntax() {}

    /** RFC 3986 reg-name characters other than pct-encoded: unreserved and sub-delims. */
    private static final boolean[] REG_NAME = new boolean[128];
    static {
        for (char c = '0'; c <= '9'; c++) REG_NAME[c] = true;
        for (char c = 'a'; c <= 'z'; c++) REG_NAME[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) REG_NAME[c] = true;
        for (char c : "-._~!$&'()*+,;=".toCharArray()) REG_NAME[c] = true;
    }

    /** Rejects a target that is not the right form for {@code method}, with 400. */
    static void checkTarget(String method, String t) throws H1Exception {
        if (t.indexOf('#') >= 0) {
            throw new H1Exception(400, "request target has a fragment ('#'), which a request never carries");
        }
        if (method.equals("CONNECT")) {
            if (!isHostPort(t, 0, t.length(), true)) {
                throw new H1Exception(400, "CONNECT needs a host:port target (authority-form)");
            }
            return;
        }
        if (t.charAt(0) == '/') {
            return; // origin-form; its characters were checked by the caller
        }
        if (t.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new H1Exception(400, "the target * is only for OPTIONS");
            }
            return;
        }
        int authority = t.regionMatches(true, 0, "http://", 0, 7) ? 7
                : t.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (authority < 0) {
            throw new H1Exception(400, "request target must start with '/' or be an http or https URL");
        }
        int end = authority;
        while (end < t.length() && t.charAt(end) != '/' && t.charAt(end) != '?') {
            end++;
        }
        if (t.lastIndexOf('@', end - 1) >= authority) {
            throw new H1Exception(400, "request target has userinfo ('@'), which RFC 9110 section 4.2.4 forbids");
        }
        // RFC 9110 section 4.2.1: an http URI with an empty host is invalid
        if (end == authority || t.charAt(authority) == ':' || !isHostPort(t, authority, end, false)) {
            throw new H1Exception(400, "request target has an invalid host");
        }
    }

    /**
     * The authority of an absolute-form target that {@link #checkTarget} accepted, e.g. {@code a:8080} for
     * {@code http://a:8080/x?y}; null for any other form.
     */
    static String absoluteAuthority(String t) {
        int authority = t.regionMatches(true, 0, "http://", 0, 7) ? 7
                : t.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (authority < 0) {
            return null;
        }
        int end = authority;
        while (end < t.length() && t.charAt(end) != '/' && t.charAt(end) != '?') {
            end++;
        }
        return t.substring(authority, end);
    }

    /**
     * Whether {@code s[from, to)} is {@code uri-host [":" port]}: a reg-name (possibly empty), an IPv4 address
     * (which reg-name's syntax covers) or a bracketed IP-literal, then an optional port of digits, which must
     * be there and non-empty when {@code portRequired}.
     */
    static boolean isHostPort(String s, int from, int to, boolean portRequired) {
        int i = from;
        if (i < to && s.charAt(i) == '[') {
            int close = s.indexOf(']', i);
            if (close < 0 || close >= to || !isIpLiteral(s, i + 1, close)) {
                return false;
            }
            i = close + 1;
        } else {
            i = regNameEnd(s, i, to);
            if (i < 0) {
                return false;
            }
        }
        if (i == to) {
            return !portRequired;
        }
        if (s.charAt(i) != ':' || (portRequired && i + 1 == to)) {
            return false;
        }
        for (i++; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code b[from, to)} is a host[:port] of the plain kind: reg-name characters other than {@code %}
     * (which covers an IPv4 address), then an optional {@code :} and digits. When true, {@link #isHostPort} of
     * the same characters (port not required) is true too; when false, it may still be valid (an IP-literal, a
     * percent-encoded octet) and {@link #isHostPort} decides.
     */
    static boolean isPlainHostPort(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] >= 0 && REG_NAME[b[i]]) i++;
        if (i < to && b[i++] != ':') {
            return false;
        }
        while (i < to && b[i] >= '0' && b[i] <= '9') i++;
        return i == to;
    }

    /**
     * Where the reg-name starting at {@code from} ends (RFC 3986 section 3.2.2: unreserved, sub-delims and
     * percent-encoded octets): at a ':' or at {@code to}; -1 when a character may not be in one.
     */
    private static int regNameEnd(String s, int from, int to) {
        int i = from;
        while (i < to && s.charAt(i) != ':') {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < to && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                i += 3;
            } else if (c != '%' && c < 128 && REG_NAME[c]) {
                i++;
            } else {
                return -1;
            }
        }
        return i;
    }

    /** IP-literal without its brackets: IPv6address or IPvFuture (RFC 3986 section 3.2.2). No zone ids. */
    private static boolean isIpLiteral(String s, int from, int to) {
        if (from < to && (s.charAt(from) == 'v' || s.charAt(from) == 'V')) {
            // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
            int i = from + 1;
            while (i < to && hex(s.charAt(i)) >= 0) i++;
            if (i == from + 1 || i >= to - 1 || s.charAt(i) != '.') {
                return false;
            }
            for (i++; i < to; i++) {
                char c = s.charAt(i);
                if (c != ':' && !(c < 128 && REG_NAME[c])) {
                    return false;
                }
            }
            return true;
        }
        return isIpv6(s, from, to);
    }

    /** RFC 3986's IPv6address: eight h16 groups, or fewer with one "::", the last two may be an IPv4 address. */
    private static boolean isIpv6(String s, int from, int to) {
        int i = from;
        int groups = 0;
        boolean elided = false;
        if (to - from >= 2 && s.charAt(i) == ':' && s.charAt(i + 1) == ':') {
            elided = true;
            i += 2;
        }
        while (i < to) {
            int start = i;
            while (i < to && i - start < 5 && hex(s.charAt(i)) >= 0) i++;
            if (i < to && s.charAt(i) == '.') {
                if (!isIpv4(s, start, to)) {
                    return false;
                }
                groups += 2;
                break;
            }
            if (i == start || i - start > 4) {
                return false;
            }
            groups++;
            if (i == to) {
                break;
            }
            if (s.charAt(i++) != ':' || i == to) {
                return false; // a group ends with ':' followed by more
            }
            if (s.charAt(i) == ':') {
                if (elided) {
                    return false;
                }
                elided = true;
                i++;
            }
        }
        return elided ? groups <= 7 : groups == 8;
    }

    /** dotted-decimal, each dec-octet 0-255 without leading zeros (RFC 3986 section 3.2.2). */
    private static boolean isIpv4(String s, int from, int to) {
        int parts = 0;
        int i = from;
        while (true) {
            int start = i;
            int v = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                v = v * 10 + (s.charAt(i++) - '0');
            }
            int n = i - start;
            if (n == 0 || v > 255 || (n > 1 && s.charAt(start) == '0')) {
                return false;
            }
            parts++;
            if (i == to) {
                return parts == 4;
            }
            if (s.charAt(i++) != '.' || parts == 4) {
                return false;
            }
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
