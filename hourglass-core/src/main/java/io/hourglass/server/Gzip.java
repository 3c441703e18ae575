package io.hourglass.server;

import io.hourglass.http.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * The gzip filter ({@link Filter#gzip()}): negotiates by Accept-Encoding and installs a
 * {@link Response.Coding} that decides, when the head is committed, whether this body is compressed.
 */
final class Gzip implements Filter {
    static final int DEFAULT_MIN_BYTES = 1024;
    static final List<String> DEFAULT_TYPES = List.of("text/*", "application/json", "application/javascript",
            "application/xml", "application/x-ndjson", "application/wasm", "image/svg+xml", "+json", "+xml");

    private final int minBytes;
    private final String[] types;
    private final Response.Coding accepted = (res, sink) -> begin(res, sink, true);
    private final Response.Coding refused = (res, sink) -> begin(res, sink, false);

    Gzip(int minBytes, List<String> types) {
        this.minBytes = minBytes;
        this.types = new String[types.size()];
        for (int i = 0; i < this.types.length; i++) {
            String t = types.get(i).strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty() || (t.indexOf('/') < 0 && t.charAt(0) != '+')) {
                throw new IllegalArgumentException("gzip: \"" + types.get(i)
                        + "\" is not a content type (e.g. \"text/html\", \"text/*\" or \"+json\")");
            }
            this.types[i] = t;
        }
    }

    @Override
    public void filter(Request req, Response res, Handler next) throws Exception {
        res.coding(acceptsGzip(req.headers()) ? accepted : refused);
        next.handle(req, res);
    }

    private OutputStream begin(Response res, OutputStream sink, boolean accepts) throws IOException {
        Headers h = res.headers();
        int status = res.status();
        if (Status.bodyless("GET", status)) {
            if (status == 304) {
                addVary(h); // a 304 carries the Vary the 200 would have had (RFC 9110 section 15.4.5)
            }
            return null;
        }
        if (status == 206 || h.contains("Content-Range")) {
            return null; // never a range: its offsets are into the unencoded representation
        }
        String ce = h.first("Content-Encoding");
        if (ce != null && !ce.equalsIgnoreCase("identity")) {
            return null;
        }
        String ct = h.first("Content-Type");
        if (ct == null || !compressible(ct)) {
            return null;
        }
        long len = res.declaredLength();
        if (len >= 0 && len < minBytes) {
            return null;
        }
        addVary(h); // from here on the answer depends on Accept-Encoding
        if (!accepts) {
            return null;
        }
        h.set("Content-Encoding", "gzip");
        String etag = h.first("ETag");
        if (etag != null && etag.startsWith("\"")) {
            h.set("ETag", "W/" + etag); // other bytes than the identity form: no longer strongly equal
        }
        res.dropLength();
        return new GZIPOutputStream(sink, 8192, true); // syncFlush: Response.flush() reaches the client
    }

    boolean compressible(String contentType) {
        int semi = contentType.indexOf(';');
        String media = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        for (String t : types) {
            if (t.charAt(0) == '+' ? media.endsWith(t)
                    : t.endsWith("/*") ? media.startsWith(t.substring(0, t.length() - 1)) : media.equals(t)) {
                return true;
            }
        }
        return false;
    }

    static void addVary(Headers h) {
        String v = h.first("Vary");
        if (v == null) {
            h.add("Vary", "Accept-Encoding");
        } else if (!h.hasToken("Vary", "Accept-Encoding") && !h.hasToken("Vary", "*")) {
            h.set("Vary", v + ", Accept-Encoding");
        }
    }

    /**
     * Whether Accept-Encoding lets us send gzip (RFC 9110 section 12.5.3): "gzip" or "x-gzip" with a
     * non-zero q-value, or, when neither is named, "*" with a non-zero q-value. No field: no coding, as
     * the usual servers do (the RFC allows any, but old clients that send no field often cannot decode).
     */
    static boolean acceptsGzip(Headers req) {
        double gzip = -1;
        double star = -1;
        for (int i = 0; i < req.size(); i++) {
            if (!req.name(i).equalsIgnoreCase("Accept-Encoding")) {
                continue;
            }
            for (String element : req.value(i).split(",")) {
                int semi = element.indexOf(';');
                String coding = (semi < 0 ? element : element.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
                double q = semi < 0 ? 1 : qValue(element.substring(semi + 1));
                if (coding.equals("gzip") || coding.equals("x-gzip")) {
                    gzip = Math.max(gzip, q);
                } else if (coding.equals("*")) {
                    star = Math.max(star, q);
                }
            }
        }
        return gzip >= 0 ? gzip > 0 : star > 0;
    }

    /** The q parameter ("q=0.5"); 1 when absent, 0 when malformed (a malformed weight accepts nothing). */
    static double qValue(String params) {
        for (String p : params.split(";")) {
            String s = p.strip();
            if (s.length() >= 2 && (s.charAt(0) == 'q' || s.charAt(0) == 'Q') && s.charAt(1) == '=') {
                String v = s.substring(2).strip();
                // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )  (RFC 9110 section 12.4.2)
                if (!v.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
                    return 0;
                }
                return Double.parseDouble(v.endsWith(".") ? v + "0" : v);
            }
        }
        return 1;
    }
}
