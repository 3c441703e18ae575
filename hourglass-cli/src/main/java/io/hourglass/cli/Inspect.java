package io.hourglass.cli;

import io.hourglass.http.Headers;
import io.hourglass.server.Request;
import io.hourglass.server.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code hourglass serve}'s {@code /inspect} route: answers 200 with one line saying how the server parsed
 * the request, for differential parsing against Go's net/http (bench/differential.sh, whose Go peer
 * bench/peers/goinspect writes the same line):
 * {@code "METHOD" "TARGET" "VERSION" host="..." probe="..." body=LEN:SHA256-PREFIX trailers="..."}.
 * {@code probe} is every X-Probe value joined by commas; {@code trailers} the trailer fields as lower-case
 * {@code name=value}, sorted; a body whose read failed is {@code body=error}. Strings are quoted with
 * {@code "}, {@code \} and every byte outside 0x20-0x7e written as {@code \xHH}.
 */
final class Inspect {
    /** The methods /inspect answers; others get the router's 405, as the Go peer does. HEAD is GET's. */
    static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};

    private Inspect() {}

    static void handle(Request req, Response res) throws IOException {
        String body;
        try {
            byte[] b = req.body().readAllBytes();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
            body = b.length + ":" + sha.substring(0, 12);
        } catch (IOException e) {
            body = "error"; // the server decides what the connection does next; the report only says so
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        List<String> trailers = new ArrayList<>();
        Headers t = req.trailers();
        for (int i = 0; i < t.size(); i++) {
            trailers.add(t.name(i).toLowerCase(Locale.ROOT) + "=" + t.value(i));
        }
        trailers.sort(null);
        String host = req.header("Host");
        String line = quote(req.method()) + " " + quote(req.target()) + " " + quote(req.version())
                + " host=" + quote(host == null ? "" : host)
                + " probe=" + quote(String.join(",", req.headers().all("X-Probe")))
                + " body=" + body + " trailers=" + quote(String.join(",", trailers)) + "\n";
        res.header("Content-Type", "text/plain; charset=utf-8");
        res.send(line.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code s} in double quotes; '"', '\' and every char outside 0x20-0x7e as \xHH (values are ISO-8859-1). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                b.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
