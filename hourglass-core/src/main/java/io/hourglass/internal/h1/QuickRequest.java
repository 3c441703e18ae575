package io.hourglass.internal.h1;

import io.hourglass.http.Headers;
import java.nio.charset.StandardCharsets;

/**
 * The server's one-pass parse of a request head in its usual shape, tried before {@link H1Parser}'s general path
 * (a scan for the end of the head, then a parse that walks each line again): the request line and every field are
 * checked and taken as the bytes go by, once.
 *
 * <p>It decides nothing on its own. It accepts only heads that the general path accepts with the very same result:
 * {@code method SP origin-form SP HTTP/1.0 or HTTP/1.1 CRLF}, fields of a token name, a colon and a value of
 * visible characters, obs-text and whitespace, each line ended by CRLF, the blank line, all within the head and
 * field-count limits, no empty line ahead of the head, and no CONNECT. On anything else (bytes still missing, an
 * absolute-form or asterisk target, a fragment, a bare LF or CR, a control, a space before a colon, a limit
 * reached) it answers "not mine" and the general path parses the same bytes from the start, so every rejection,
 * its status and its message stay the general path's. {@code QuickRequestTest} compares the two on the fuzz seeds
 * and on mutations of them.
 */
final class QuickRequest {
    /** RFC 9110 tchar, by byte (a negative byte, 0x80 and above, is not one). */
    private static final boolean[] TCHAR = new boolean[256];
    static {
        for (int c = 0; c < 128; c++) {
            TCHAR[c] = Headers.isTokenChar(c);
        }
    }

    private QuickRequest() {}

    /**
     * Parses the head starting at {@code start} into {@code h} when it is whole in {@code b[start, lim)} and of
     * the usual shape (above). Returns the index just past its blank line, or -1 when the general path must
     * decide ({@code h} is then in no particular state: the general path resets it). Framing is derived as the
     * general path does ({@link H1Parser#requestFraming}), whose rejections it throws.
     */
    static int parse(byte[] b, int start, int lim, int maxHeadBytes, int maxFields, RequestHead h) throws H1Exception {
        int max = Math.min(lim, start + maxHeadBytes); // every byte read lies before max: the head fits the limit
        int i = start;
        while (i < max && TCHAR[b[i] & 0xff]) i++;
        int sp1 = i;
        // a method, one space, an origin-form target (RFC 9112 section 3.2.1), one space
        if (sp1 == start || sp1 + 1 >= max || b[sp1] != ' ' || b[sp1 + 1] != '/') {
            return -1;
        }
        for (i = sp1 + 2; i < max; i++) {
            int c = b[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                break; // the general path rejects a control, non-ASCII and a fragment; a space ends the target
            }
        }
        int sp2 = i;
        if (max - sp2 < 11 || b[sp2] != ' ' || !isVersion(b, sp2 + 1) || b[sp2 + 9] != '\r' || b[sp2 + 10] != '\n') {
            return -1;
        }
        if (sp1 - start == 7 && b[start] == 'C' && b[start + 1] == 'O' && b[start + 2] == 'N') {
            return -1; // CONNECT takes an authority-form target: the general path says no
        }
        h.reset();
        h.method = H1Parser.method(b, start, sp1 - start);
        h.target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        h.version = b[sp2 + 8] == '0' ? 10 : 11;
        int end = fields(b, sp2 + 11, max, maxFields, h);
        if (end < 0) {
            return -1;
        }
        h.headBytes = end - start;
        H1Parser.requestFraming(h);
        return end;
    }

    /** "HTTP/1.0" or "HTTP/1.1" at {@code p} (another minor version is the general path's to map). */
    private static boolean isVersion(byte[] b, int p) {
        return b[p] == 'H' && b[p + 1] == 'T' && b[p + 2] == 'T' && b[p + 3] == 'P' && b[p + 4] == '/'
                && b[p + 5] == '1' && b[p + 6] == '.' && (b[p + 7] == '1' || b[p + 7] == '0');
    }

    /**
     * The field lines from {@code p} to the blank line, appended to {@code h.headers} with the framing notes the
     * general path takes ({@link RequestHead#fields} and the rest). Returns the index past the blank line, -1 for
     * the general path.
     */
    private static int fields(byte[] b, int p, int max, int maxFields, RequestHead h) {
        Headers out = h.headers;
        int count = 0;
        while (p + 1 < max) {
            if (b[p] == '\r') {
                return b[p + 1] == '\n' ? p + 2 : -1; // the blank line
            }
            int ns = p;
            while (p < max && TCHAR[b[p] & 0xff]) p++;
            int colon = p;
            if (colon == ns || colon >= max || b[colon] != ':' || ++count > maxFields) {
                return -1;
            }
            p++;
            while (p < max && (b[p] == ' ' || b[p] == '\t')) p++;
            int vs = p;
            int ve = p; // just past the value's last character that is not whitespace
            for (; p < max; p++) {
                int c = b[p] & 0xff;
                if (c > 0x20 && c != 0x7f) {
                    ve = p + 1;
                } else if (c != ' ' && c != '\t') {
                    break; // CR ends the line; any other control is the general path's to reject
                }
            }
            if (p + 1 >= max || b[p] != '\r' || b[p + 1] != '\n') {
                return -1;
            }
            if (H1Parser.appendField(b, ns, colon, vs, ve, out, h)) {
                h.hostChecked = TargetSyntax.isPlainHostPort(b, vs, ve);
            }
            p += 2;
        }
        return -1;
    }
}
