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

    private KnownNames() {}

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
