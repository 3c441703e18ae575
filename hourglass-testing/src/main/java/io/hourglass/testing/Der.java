package io.hourglass.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER encodings (ITU-T X.690) a self-signed X.509 certificate needs, for {@link TestCertificate}: each
 * method returns one whole element (tag, length, contents). Not a general ASN.1 library: no decoding, no
 * indefinite lengths, only the types RFC 5280's certificate uses.
 */
final class Der {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

    private Der() {
    }

    static byte[] sequence(byte[]... parts) {
        return element(0x30, concat(parts));
    }

    static byte[] set(byte[]... parts) {
        return element(0x31, concat(parts));
    }

    /** A context-specific constructed element, {@code [n] EXPLICIT}. */
    static byte[] explicit(int n, byte[] inner) {
        return element(0xa0 | n, inner);
    }

    /** A context-specific primitive element, {@code [n] IMPLICIT} over a primitive type (GeneralName's). */
    static byte[] implicit(int n, byte[] contents) {
        return element(0x80 | n, contents);
    }

    static byte[] integer(BigInteger v) {
        return element(0x02, v.toByteArray()); // two's complement, minimal: what DER asks for
    }

    static byte[] bool(boolean v) {
        return element(0x01, new byte[] {(byte) (v ? 0xff : 0)});
    }

    static byte[] nul() {
        return new byte[] {0x05, 0};
    }

    static byte[] octets(byte[] v) {
        return element(0x04, v);
    }

    /** A BIT STRING of whole bytes (no unused bits), as a signature is. */
    static byte[] bits(byte[] v) {
        return element(0x03, concat(new byte[] {0}, v));
    }

    static byte[] utf8(String v) {
        return element(0x0c, v.getBytes(StandardCharsets.UTF_8));
    }

    /** UTCTime, to the second (RFC 5280 section 4.1.2.5.1: for years before 2050). */
    static byte[] utcTime(ZonedDateTime t) {
        return element(0x17, UTC_TIME.format(t.withZoneSameInstant(ZoneOffset.UTC)).getBytes(StandardCharsets.US_ASCII));
    }

    /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code "2.5.4.3"}. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1])); // X.690 section 8.19.4
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return element(0x06, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        while (v >>> (7 * groups) != 0) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) (v >>> (7 * g)) & 0x7f;
            out.write(g == 0 ? b : b | 0x80); // the high bit: more groups follow
        }
    }

    private static byte[] element(int tag, byte[] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(contents.length + 6);
        out.write(tag);
        int n = contents.length;
        if (n < 0x80) {
            out.write(n); // short form
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes); // long form: the number of length bytes, then the length
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(contents);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
