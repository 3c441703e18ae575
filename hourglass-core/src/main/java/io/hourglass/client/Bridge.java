package io.hourglass.client;

import io.hourglass.client.CookieJar.Cookie;
import io.hourglass.http.Headers;
import io.hourglass.internal.HeadersAccess;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The client's bridge from a caller's request to what goes on the wire, once per hop (see {@link Interceptor}):
 * Host and User-Agent, {@code Authorization: Basic} from a URL's userinfo, cookies from the jar, and
 * {@code Accept-Encoding: gzip}; on the way back, cookies into the jar and the gzip body decompressed. The
 * response it hands up answers the request it was given, as OkHttp's bridge does, so the follow-ups and
 * authenticators above it build on the caller's request, not on the headers added here.
 */
final class Bridge {
    private final ClientConfig cfg;
    private final boolean direct; // nothing between this step and the network sees the request
    private final List<Interceptor> below; // network interceptors, the fake transport, the network; null: direct

    Bridge(ClientConfig cfg) {
        this.cfg = cfg;
        this.direct = cfg.networkInterceptors().isEmpty() && cfg.transport() == null;
        List<Interceptor> steps = new ArrayList<>(cfg.networkInterceptors());
        if (cfg.transport() != null) {
            steps.add(cfg.transport());
        }
        steps.add(Network.INSTANCE);
        this.below = direct ? null : List.copyOf(steps);
    }

    /**
     * One try of a hop: the request completed with the client's fields, sent below, and its response made the
     * caller's; {@code state} is the attempt's (see {@link HopState}).
     */
    ClientResponse run(Call call, ClientRequest req, HopState state) throws IOException {
        Headers h = req.headers();
        boolean gzip = cfg.transparentGzip() && !h.contains("Accept-Encoding") && !h.contains("Range")
                && !req.method().equals("HEAD"); // Go's rules: a Range of a gzip body is not a gzip body
        CookieJar jar = cfg.cookieJar();
        ClientRequest sent;
        if (direct && jar == null && req.uri().getRawUserInfo() == null) {
            // The common case: no step below would see the added fields, so the exchange writes Host, User-Agent
            // and Accept-Encoding itself and the request is not copied (one copy per call is measurable).
            state.wireGzip = gzip;
            sent = req;
        } else {
            state.wireGzip = false;
            sent = req.withHeaders(fields(req, gzip, jar));
        }
        ClientResponse resp = below == null ? Network.exchange(call, sent, state)
                : new RealChain(below, 0, call, sent, state).proceed(sent);
        return answer(req, resp, gzip, jar);
    }

    /** The request's fields with the bridge's added, for the steps below that see them. */
    private Headers fields(ClientRequest req, boolean gzip, CookieJar jar) {
        Headers h = req.headers();
        // The fields are added to a copy of the caller's, which were checked when they were added: appended
        // unchecked, so a call pays for one array copy here rather than a builder's checks and copies.
        Headers out = new Headers(h.size() + 4);
        for (int i = 0; i < h.size(); i++) {
            HeadersAccess.appendUnchecked(out, h.name(i), h.value(i));
        }
        if (!h.contains("Host")) {
            HeadersAccess.appendUnchecked(out, "Host", Urls.hostHeader(req.uri())); // an ASCII URI's host and port
        }
        if (!h.contains("User-Agent")) {
            HeadersAccess.appendUnchecked(out, "User-Agent", cfg.userAgent()); // checked by ClientConfig
        }
        String userInfo = req.uri().getRawUserInfo();
        if (userInfo != null && !h.contains("Authorization")) {
            out.add("Authorization", basic(userInfo)); // Go's Client.send does the same, before the first try
        }
        if (jar != null) {
            String cookies = cookieHeader(jar.load(req.uri()));
            if (cookies != null) {
                String own = h.first("Cookie"); // the caller's come first, as Go's AddCookie appends
                out.remove("Cookie");
                out.add("Cookie", own == null ? cookies : own + "; " + cookies);
            }
        }
        if (gzip) {
            HeadersAccess.appendUnchecked(out, "Accept-Encoding", "gzip");
        }
        return out;
    }

    /** The response as the caller sees it: cookies kept, gzip decompressed, answering the caller's request. */
    private static ClientResponse answer(ClientRequest req, ClientResponse resp, boolean gzip, CookieJar jar) {
        if (jar != null) {
            save(jar, req.uri(), resp.headers());
        }
        String ce = gzip ? resp.header("Content-Encoding") : null; // no scan of the fields when not asked for
        if (ce != null && (ce.strip().equalsIgnoreCase("gzip") || ce.strip().equalsIgnoreCase("x-gzip"))) {
            Headers all = resp.headers();
            Headers plain = new Headers(all.size());
            for (int i = 0; i < all.size(); i++) {
                String n = all.name(i);
                // the decompressed length is not known (Go drops Content-Length too)
                if (!n.equalsIgnoreCase("Content-Encoding") && !n.equalsIgnoreCase("Content-Length")) {
                    HeadersAccess.appendUnchecked(plain, n, all.value(i));
                }
            }
            return resp.derive(req, plain, new GunzipStream(resp.body(), req));
        }
        resp.reanswers(req); // in place: the response has been seen only below (network interceptors)
        return resp;
    }

    private static String basic(String rawUserInfo) {
        String userInfo = URLDecoder.decode(rawUserInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static String cookieHeader(List<Cookie> cookies) {
        if (cookies.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Cookie c : cookies) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(c.name()).append('=').append(c.value());
        }
        return sb.toString();
    }

    private static void save(CookieJar jar, URI uri, Headers headers) {
        List<Cookie> set = null;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.name(i).equalsIgnoreCase("Set-Cookie")) {
                Cookie c = Cookie.parse(uri, headers.value(i));
                if (c != null) {
                    if (set == null) {
                        set = new ArrayList<>(2);
                    }
                    set.add(c);
                }
            }
        }
        if (set != null) {
            jar.save(uri, set);
        }
    }
}
