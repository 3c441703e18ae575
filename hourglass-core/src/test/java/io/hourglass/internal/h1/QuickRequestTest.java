package io.hourglass.internal.h1;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The server's one-pass head parse ({@link QuickRequest}, through {@link H1Parser#readRequestHead}) gives every
 * input the general path's answer: the same head, framing and notes for an accepted one, the same status and
 * message for a rejected one. Compared on the request fuzz seeds, on heads of the usual shape with their edge
 * cases, and on random mutations of both; each set must also reach the quick path, or the test proves nothing.
 */
class QuickRequestTest {
    private static final byte[] MUTATIONS = Wire.bytes(" \t\r\n:/#%@[]?*,;=\"\u007f\u0080\u00ff\0aA1Hh.");

    @Test
    void seedsGetTheGeneralPathsAnswer() throws Exception {
        int quick = 0;
        for (byte[] input : FuzzSeeds.requests().values()) {
            quick += compare(input);
        }
        assertThat(quick).as("seeds parsed by the quick path").isGreaterThan(10);
    }

    @Test
    void usualHeadsAndTheirEdges() throws Exception {
        int quick = 0;
        for (String head : usualHeads()) {
            quick += compare(Wire.bytes(head));
        }
        assertThat(quick).as("heads parsed by the quick path").isGreaterThan(15);
    }

    @Test
    void mutationsGetTheGeneralPathsAnswer() throws Exception {
        List<byte[]> bases = new ArrayList<>(FuzzSeeds.requests().values());
        for (String head : usualHeads()) {
            bases.add(Wire.bytes(head));
        }
        Random r = new Random(17);
        int quick = 0;
        for (int n = 0; n < 30_000; n++) {
            quick += compare(mutate(bases.get(r.nextInt(bases.size())), r));
        }
        assertThat(quick).as("mutations parsed by the quick path").isGreaterThan(1_500);
    }

    @Test
    void plainHostPortIsASubsetOfHostPort() {
        for (String host : List.of("", "h", "h:", "h:80", ":80", "a.b-c_d~e", "1.2.3.4:8080", "[::1]", "[::1]:80",
                "a%20b", "a b", "a:b", "a:80:90", "h@x", "h/x", "\u00e9", "h:8a", "!$&'()*+,;=")) {
            byte[] b = Wire.bytes(host);
            boolean plain = TargetSyntax.isPlainHostPort(b, 0, b.length);
            if (plain) {
                assertThat(TargetSyntax.isHostPort(host, 0, host.length(), false)).as(host).isTrue();
            }
            assertThat(plain).as(host).isEqualTo(!host.contains("[") && !host.contains("%")
                    && TargetSyntax.isHostPort(host, 0, host.length(), false));
        }
    }

    /** Heads of the shape the quick path takes, and the cases at its edges. */
    private static List<String> usualHeads() {
        String ok = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
        List<String> l = new ArrayList<>(List.of(ok,
                "GET / HTTP/1.0\r\n\r\n",
                "GET /a?b=c&d HTTP/1.1\r\nHost: h\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
                "POST /p HTTP/1.1\r\nhost: h\r\ncontent-length: 3\r\n\r\nabc",
                "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
                "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                "GET / HTTP/1.1\r\nHOST: h\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nhost: h\r\n\r\n",
                "GET / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a%41b\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h:x\r\n\r\n",
                "GET / HTTP/1.1\r\nHost:\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: \t h \t \r\nX-Empty:\r\nX-Ws:   \r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Obs: caf\u00e9 \u00ff\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Del: a\u007fb\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Nul: a\0b\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Lf: a\nb\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Cr: a\rb\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Sp : v\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\n",
                "GET /#f HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET / HTTP/1.2\r\nHost: h\r\n\r\n",
                "GET / HTTP/2.0\r\nHost: h\r\n\r\n",
                "GET / http/1.1\r\nHost: h\r\n\r\n",
                "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
                "GET / HTTP/1.1\nHost: h\r\n\r\n",
                "CONNECT /x HTTP/1.1\r\nHost: h\r\n\r\n",
                "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n",
                "CONTENT /x HTTP/1.1\r\nHost: h\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET * HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET http://h/x HTTP/1.1\r\nHost: other\r\n\r\n",
                "G\u00e9T / HTTP/1.1\r\nHost: h\r\n\r\n",
                "DELETE /d HTTP/1.1\r\nHost: h\r\n\r\n",
                "PATCH /d HTTP/1.1\r\nHost: h\r\nRequest-Deadline: 5s\r\n\r\n",
                "BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n",
                "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\n\r",
                "GET / HTTP/1.1\r\nHost: h\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\n\n",
                "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n"));
        for (int f = 98; f <= 101; f++) {
            l.add("GET / HTTP/1.1\r\nHost: h\r\n" + "X-F: v\r\n".repeat(f) + "\r\n");
        }
        // the head limit (8192 bytes): just fitting, one byte over
        String head = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
        int pad = Wire.MAX_HEAD - head.length() - 4;
        for (int extra = -1; extra <= 1; extra++) {
            l.add(head + "p".repeat(pad + extra) + "\r\n\r\n");
        }
        String line = "GET /";
        int target = Wire.MAX_HEAD - line.length() - " HTTP/1.1\r\nHost: h\r\n\r\n".length();
        for (int extra = 0; extra <= 1; extra++) {
            l.add(line + "t".repeat(target + extra) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        }
        return l;
    }

    private static byte[] mutate(byte[] base, Random r) {
        byte[] b = base.clone();
        for (int k = 1 + r.nextInt(3); k > 0 && b.length > 0; k--) {
            int at = r.nextInt(b.length);
            byte with = MUTATIONS[r.nextInt(MUTATIONS.length)];
            switch (r.nextInt(3)) {
                case 0 -> b[at] = with;
                case 1 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = with;
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
        }
        return b;
    }

    /** Asserts both paths answer {@code input} (all of it in one read) alike; 1 when the quick path took it. */
    private static int compare(byte[] input) throws Exception {
        RequestHead q = new RequestHead();
        String quick = outcome(input, (p, in) -> p.readRequestHead(in, null, q), q);
        RequestHead g = new RequestHead();
        String general = outcome(input, (p, in) -> {
            int end = p.awaitRequestHead(in, null);
            if (end >= 0) {
                p.parseRequest(in.buf, in.pos, end, g);
            }
            return end;
        }, g);
        assertThat(quick).as(Wire.text(input, 0, input.length)).isEqualTo(general);
        return q.quickParsed ? 1 : 0;
    }

    private interface Read {
        int head(H1Parser p, InBuffer in) throws Exception;
    }

    private static String outcome(byte[] input, Read read, RequestHead h) {
        InBuffer in = Wire.buffer(new Wire.Fragments(input));
        int end;
        try {
            end = read.head(Wire.parser(), in);
        } catch (H1Exception e) {
            return "rejected " + e.status() + " " + e.getMessage() + " " + e.limit();
        } catch (Exception e) {
            return "failed " + e;
        }
        if (end < 0) {
            return "no head";
        }
        StringBuilder s = new StringBuilder();
        s.append(end - in.pos).append(' ').append(h.method).append(' ').append(h.target).append(' ').append(h.version)
                .append(" bytes ").append(h.headBytes).append(" length ").append(h.contentLength)
                .append(" chunked ").append(h.chunked).append(" keepAlive ").append(h.keepAlive)
                .append(" continue ").append(h.expectContinue).append(" otherNames ").append(h.otherNames)
                .append(" fields ").append(h.fields).append(" hosts ").append(h.hosts).append(" hostIndex ")
                .append(h.hostIndex).append(" onlyKnown ").append(h.hasOnlyKnownNames());
        Headers hs = h.headers;
        for (int i = 0; i < hs.size(); i++) {
            s.append("\n[").append(hs.name(i)).append("]=[").append(hs.value(i)).append(']');
        }
        return s.toString();
    }
}
