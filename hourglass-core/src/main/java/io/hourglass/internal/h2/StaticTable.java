package io.hourglass.internal.h2;

import java.util.HashMap;
import java.util.Map;

/**
 * The HPACK static table (RFC 7541 Appendix A): 61 entries at indexes 1 to 61, before the dynamic table's.
 * Also a set of well-known names, so that decoding a literal name allocates no String when it is common.
 */
final class StaticTable {
    static final int LENGTH = 61;

    private static final String[] NAMES = new String[LENGTH + 1];
    private static final String[] VALUES = new String[LENGTH + 1];
    /** Name to the lowest index that has it. */
    private static final Map<String, Integer> FIRST = new HashMap<>(128);
    /** Known names by length, for {@link #knownName}. */
    private static final String[][] BY_LENGTH = new String[32][];

    static {
        String[] t = {
            ":authority", "",
            ":method", "GET",
            ":method", "POST",
            ":path", "/",
            ":path", "/index.html",
            ":scheme", "http",
            ":scheme", "https",
            ":status", "200",
            ":status", "204",
            ":status", "206",
            ":status", "304",
            ":status", "400",
            ":status", "404",
            ":status", "500",
            "accept-charset", "",
            "accept-encoding", "gzip, deflate",
            "accept-language", "",
            "accept-ranges", "",
            "accept", "",
            "access-control-allow-origin", "",
            "age", "",
            "allow", "",
            "authorization", "",
            "cache-control", "",
            "content-disposition", "",
            "content-encoding", "",
            "content-language", "",
            "content-length", "",
            "content-location", "",
            "content-range", "",
            "content-type", "",
            "cookie", "",
            "date", "",
            "etag", "",
            "expect", "",
            "expires", "",
            "from", "",
            "host", "",
            "if-match", "",
            "if-modified-since", "",
            "if-none-match", "",
            "if-range", "",
            "if-unmodified-since", "",
            "last-modified", "",
            "link", "",
            "location", "",
            "max-forwards", "",
            "proxy-authenticate", "",
            "proxy-authorization", "",
            "range", "",
            "referer", "",
            "refresh", "",
            "retry-after", "",
            "server", "",
            "set-cookie", "",
            "strict-transport-security", "",
            "transfer-encoding", "",
            "user-agent", "",
            "vary", "",
            "via", "",
            "www-authenticate", "",
        };
        for (int i = 1; i <= LENGTH; i++) {
            NAMES[i] = t[2 * (i - 1)];
            VALUES[i] = t[2 * (i - 1) + 1];
            FIRST.putIfAbsent(NAMES[i], i);
        }
        // Common names outside the static table that browsers, gRPC and proxies send.
        String[] extra = {
            "te", "upgrade-insecure-requests", "sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest",
            "sec-fetch-user", "x-forwarded-for", "x-forwarded-proto", "x-request-id", "priority",
            "content-security-policy", "x-content-type-options", "grpc-status", "grpc-message", "grpc-timeout",
            "grpc-encoding", "traceparent", "origin", "dnt", "pragma", "alt-svc",
        };
        Map<Integer, java.util.List<String>> byLength = new HashMap<>();
        for (int i = 1; i <= LENGTH + extra.length; i++) {
            String name = i <= LENGTH ? NAMES[i] : extra[i - LENGTH - 1];
            if (name.length() < BY_LENGTH.length) {
                java.util.List<String> l = byLength.computeIfAbsent(name.length(), k -> new java.util.ArrayList<>());
                if (!l.contains(name)) {
                    l.add(name);
                }
            }
        }
        for (int len = 0; len < BY_LENGTH.length; len++) {
            BY_LENGTH[len] = byLength.getOrDefault(len, java.util.List.of()).toArray(new String[0]);
        }
    }

    private StaticTable() {}

    /** The name of entry {@code index} (1 to 61). */
    static String name(int index) {
        return NAMES[index];
    }

    /** The value of entry {@code index} (1 to 61). */
    static String value(int index) {
        return VALUES[index];
    }

    /** The lowest index whose name is {@code name}, or 0. */
    static int nameIndex(String name) {
        Integer i = FIRST.get(name);
        return i == null ? 0 : i;
    }

    /** The index of the entry {@code name: value}, or 0. Entries of one name are adjacent in the table. */
    static int exactIndex(String name, String value) {
        int i = nameIndex(name);
        if (i == 0) {
            return 0;
        }
        for (; i <= LENGTH && NAMES[i].equals(name); i++) {
            if (VALUES[i].equals(value)) {
                return i;
            }
        }
        return 0;
    }

    /** A shared String equal to the ISO-8859-1 bytes {@code b[off, off+len)} when it is a well-known name, or null. */
    static String knownName(byte[] b, int off, int len) {
        if (len >= BY_LENGTH.length) {
            return null;
        }
        outer:
        for (String s : BY_LENGTH[len]) {
            for (int i = 0; i < len; i++) {
                if (b[off + i] != (byte) s.charAt(i)) {
                    continue outer;
                }
            }
            return s;
        }
        return null;
    }
}
