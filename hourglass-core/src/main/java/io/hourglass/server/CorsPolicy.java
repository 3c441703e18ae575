package io.hourglass.server;

import io.hourglass.http.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The CORS protocol of the Fetch standard, server side, behind {@link Filter.Cors}: an immutable policy and
 * the filter that applies it.
 */
final class CorsPolicy {
    private static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    private final Set<String> origins;      // exact serialized origins, e.g. "https://app.example"
    private final boolean anyOrigin;
    private final List<String> methods;
    private final Set<String> headers;      // lower case; null: whatever the preflight asks for
    private final List<String> exposed;
    private final boolean credentials;
    private final Duration maxAge;

    private CorsPolicy(Set<String> origins, boolean anyOrigin, List<String> methods, Set<String> headers,
            List<String> exposed, boolean credentials, Duration maxAge) {
        this.origins = origins;
        this.anyOrigin = anyOrigin;
        this.methods = methods;
        this.headers = headers;
        this.exposed = exposed;
        this.credentials = credentials;
        this.maxAge = maxAge;
    }

    static CorsPolicy of(List<String> origins) {
        if (origins.isEmpty()) {
            throw new IllegalArgumentException("cors needs at least one origin, e.g. \"https://app.example\", or \"*\"");
        }
        Set<String> set = new LinkedHashSet<>();
        boolean any = false;
        for (String o : origins) {
            Objects.requireNonNull(o, "origin");
            if (o.equals("*")) {
                any = true;
                continue;
            }
            if (!o.matches("[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\s]+")) {
                throw new IllegalArgumentException("cors: \"" + o
                        + "\" is not an origin (scheme://host[:port], no path), e.g. \"https://app.example\"");
            }
            set.add(o.toLowerCase(Locale.ROOT)); // browsers serialize an origin's scheme and host in lower case
        }
        return new CorsPolicy(Set.copyOf(set), any, DEFAULT_METHODS, null, List.of(), false, Duration.ofMinutes(10));
    }

    CorsPolicy withMethods(List<String> ms) {
        List<String> list = new ArrayList<>();
        for (String m : ms) {
            list.add(checkToken("method", m));
        }
        return new CorsPolicy(origins, anyOrigin, List.copyOf(list), headers, exposed, credentials, maxAge);
    }

    CorsPolicy withHeaders(List<String> hs) {
        Set<String> set = new LinkedHashSet<>();
        for (String h : hs) {
            set.add(checkToken("header", h).toLowerCase(Locale.ROOT));
        }
        return new CorsPolicy(origins, anyOrigin, methods, set, exposed, credentials, maxAge);
    }

    CorsPolicy withExposed(List<String> hs) {
        List<String> list = new ArrayList<>();
        for (String h : hs) {
            list.add(checkToken("header", h));
        }
        return new CorsPolicy(origins, anyOrigin, methods, headers, List.copyOf(list), credentials, maxAge);
    }

    CorsPolicy withCredentials(boolean allow) {
        if (allow && anyOrigin) {
            throw new IllegalArgumentException("cors: allowCredentials cannot go with the origin \"*\" (browsers"
                    + " refuse that pairing); list the origins instead");
        }
        return new CorsPolicy(origins, anyOrigin, methods, headers, exposed, allow, maxAge);
    }

    CorsPolicy withMaxAge(Duration d) {
        io.hourglass.internal.text.Durations.requireNonNegative("cors maxAge", d);
        return new CorsPolicy(origins, anyOrigin, methods, headers, exposed, credentials, d);
    }

    private static String checkToken(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty() || !s.chars().allMatch(Headers::isTokenChar)) {
            throw new IllegalArgumentException("cors: \"" + s + "\" is not a " + what + " name");
        }
        return s;
    }

    // ---- the filter ----

    void filter(Request req, Response res, Handler next) throws Exception {
        String origin = req.header("Origin");
        if (origin == null) {
            next.handle(req, res);
            return;
        }
        boolean allowed = anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT));
        Headers h = res.headers();
        if (!anyOrigin) {
            vary(h, "Origin"); // the answer names the origin, so it differs by origin
        }
        String requested = req.header("Access-Control-Request-Method");
        if (req.method().equals("OPTIONS") && requested != null) {
            preflight(req, res, origin, allowed, requested);
            return;
        }
        if (allowed) {
            allowOrigin(h, origin);
            if (!exposed.isEmpty()) {
                h.set("Access-Control-Expose-Headers", String.join(", ", exposed));
            }
        }
        next.handle(req, res);
    }

    private void preflight(Request req, Response res, String origin, boolean allowed, String method)
            throws java.io.IOException {
        Headers h = res.headers();
        vary(h, "Access-Control-Request-Method");
        vary(h, "Access-Control-Request-Headers");
        String why = null;
        String askedHeaders = req.header("Access-Control-Request-Headers");
        if (!allowed) {
            why = "origin " + origin + " is not allowed";
        } else if (!methods.contains(method)) {
            why = "method " + method + " is not allowed (allowed: " + String.join(", ", methods) + ")";
        } else if (askedHeaders != null && headers != null) {
            for (String name : askedHeaders.split(",")) {
                String n = name.strip().toLowerCase(Locale.ROOT);
                if (!n.isEmpty() && !headers.contains(n)) {
                    why = "request header " + n + " is not allowed";
                    break;
                }
            }
        }
        if (why != null) {
            res.status(403);
            res.send("CORS preflight refused: " + why + "\n");
            return;
        }
        allowOrigin(h, origin);
        h.set("Access-Control-Allow-Methods", String.join(", ", methods));
        if (askedHeaders != null && !askedHeaders.isBlank()) {
            h.set("Access-Control-Allow-Headers", headers == null ? askedHeaders.strip() : String.join(", ", headers));
        }
        h.set("Access-Control-Max-Age", Long.toString(maxAge.toSeconds()));
        res.status(204);
    }

    private void allowOrigin(Headers h, String origin) {
        h.set("Access-Control-Allow-Origin", anyOrigin && !credentials ? "*" : origin);
        if (credentials) {
            h.set("Access-Control-Allow-Credentials", "true");
        }
    }

    private static void vary(Headers h, String name) {
        String v = h.first("Vary");
        if (v == null) {
            h.add("Vary", name);
        } else if (!h.hasToken("Vary", name) && !h.hasToken("Vary", "*")) {
            h.set("Vary", v + ", " + name);
        }
    }

    @Override
    public String toString() {
        return "[origins=" + (anyOrigin ? "*" : origins) + ", methods=" + methods + ", headers="
                + (headers == null ? "any" : headers) + ", credentials=" + credentials + ", maxAge=" + maxAge + "]";
    }
}
