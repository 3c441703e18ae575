package io.hourglass.internal.h1;

import java.nio.charset.StandardCharsets;

/** Common header names, so that parsing them allocates no String. Matches the exact bytes only. */
final class KnownNames {
    private static final String[] NAMES = {
        "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Connection", "Content-Length",
        "Content-Type", "Transfer-Encoding", "Expect", "Cookie", "Authorization", "Cache-Control", "Date",
        "Server", "Referer", "Origin", "Upgrade-Insecure-Requests", "If-None-Match", "If-Modified-Since",
        "Pragma", "Keep-Alive", "X-Forwarded-For", "Range", "Location", "ETag", "Last-Modified", "Vary",
        "host", "user-agent", "accept", "accept-encoding", "connection", "content-length", "content-type",
        "transfer-encoding", "expect", "date", "server",
    };
    private static final byte[][] BYTES = new byte[NAMES.length][];
    private static final String[][] BY_LENGTH = new String[32][];
    static {
        for (int i = 0; i < NAMES.length; i++) {
            BYTES[i] = NAMES[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        for (int len = 0; len < BY_LENGTH.length; len++) {
            int count = 0;
            for (String s : NAMES) if (s.length() == len) count++;
            String[] a = new String[count];
            int k = 0;
            for (String s : NAMES) if (s.length() == len) a[k++] = s;
            BY_LENGTH[len] = a;
        }
    }

    /** The fields whose presence decides a request's framing, by bit, for {@link RequestHead#fields}. */
    static final int HOST = 1, CONTENT_LENGTH = 2, TRANSFER_ENCODING = 4, CONNECTION = 8, EXPECT = 16;

    private KnownNames() {}

    /**
     * The {@link RequestHead#fields} bit of a name {@link #lookup} returned (the very instance), 0 for the names
     * that decide nothing about framing. Compared by identity: a few reference compares, no string compare.
     */
    static int framingBit(String known) {
        if (known == "Host" || known == "host") {
            return HOST;
        }
        if (known == "Content-Length" || known == "content-length") {
            return CONTENT_LENGTH;
        }
        if (known == "Transfer-Encoding" || known == "transfer-encoding") {
            return TRANSFER_ENCODING;
        }
        if (known == "Connection" || known == "connection") {
            return CONNECTION;
        }
        if (known == "Expect" || known == "expect") {
            return EXPECT;
        }
        return 0;
    }

    /** Whether {@code name} is, ignoring case, one of the names {@link #lookup} knows (in some spelling). */
    static boolean knownIgnoreCase(String name) {
        for (String s : NAMES) {
            if (s.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    static String lookup(byte[] b, int off, int len) {
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
