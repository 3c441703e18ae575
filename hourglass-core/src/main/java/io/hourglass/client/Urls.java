package io.hourglass.client;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * URLs as the client sends them: what OkHttp's HttpUrl and Go's url.URL do when they write a request target.
 * A character that may not appear in a URI (RFC 3986 section 2: non-ASCII, space, {@code "<>\^`{|}}, controls)
 * is percent-encoded as UTF-8; escapes already present are kept; an international host name becomes its
 * ASCII form (IDNA, RFC 5890), since DNS and the Host header carry ASCII only.
 */
final class Urls {
    private Urls() {}

    /**
     * Parses an absolute http or https URL, encoding what a URI may not hold.
     *
     * @throws IllegalArgumentException naming the URL, for a malformed one, another scheme, or no host
     */
    static URI parse(String url) {
        String ascii = toAscii(url);
        URI u;
        try {
            u = new URI(ascii);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL \"" + url + "\": " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""), e);
        }
        return check(u, url);
    }

    /** A URI as the client sends it: {@code u} itself when it is ASCII with a host, else re-parsed. */
    static URI normalize(URI u) {
        String s = u.toString();
        if (u.getHost() != null && isAscii(s)) {
            return check(u, s);
        }
        return parse(s);
    }

    /**
     * Resolves a redirect's Location (RFC 9110 section 10.2.2: a URI-reference, relative to the request's URL;
     * RFC 3986 section 5.2), encoding what a URI may not hold as {@link #parse} does.
     *
     * @throws IllegalArgumentException for a malformed reference, or a target that is not http or https
     */
    static URI resolve(URI base, String location) {
        String ref = toAscii(location.strip());
        int hash = ref.indexOf('#');
        if (hash == 0) {
            return base;
        }
        String noFragment = hash < 0 ? ref : ref.substring(0, hash);
        String basePath = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        URI target;
        try {
            if (noFragment.startsWith("?")) {
                // RFC 3986 section 5.2.2: a query alone keeps the whole path (java.net.URI drops its last segment)
                target = new URI(base.getScheme() + "://" + base.getRawAuthority() + basePath + noFragment);
            } else {
                URI b = basePath.equals(base.getRawPath()) ? base
                        : new URI(base.getScheme() + "://" + base.getRawAuthority() + basePath);
                target = b.resolve(new URI(noFragment));
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""), e);
        }
        return normalize(target);
    }

    /** The Host header for {@code u}: host, bracketed when IPv6, and the port unless it is the scheme's. */
    static String hostHeader(URI u) {
        return hostHeader(u.getScheme(), u.getHost(), u.getPort());
    }

    /** The same from a URL's parts ({@code port} -1 for none), e.g. a pool's origin: made once per origin. */
    static String hostHeader(String scheme, String host, int port) {
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        boolean dflt = port == -1 || (scheme.equalsIgnoreCase("http") && port == 80)
                || (scheme.equalsIgnoreCase("https") && port == 443);
        return dflt ? host : host + ":" + port;
    }

    /** Whether two URLs have the same origin (RFC 6454: scheme, host, port). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    /** The port, or the scheme's default. */
    static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static URI check(URI u, String original) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("URL must start with http:// or https://, got \"" + original + "\"");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("URL has no host: \"" + original + "\"");
        }
        return u;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!allowed(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 section 2: unreserved, reserved, and '%' of an escape. */
    private static boolean allowed(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "-._~:/?#[]@!$&'()*+,;=%".indexOf(c) >= 0;
    }

    /** The URL with its host in ASCII form and every other disallowed character percent-encoded. */
    private static String toAscii(String url) {
        if (isAscii(url)) {
            return url;
        }
        int schemeEnd = url.indexOf("://");
        int authStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int authEnd = authStart;
        while (authEnd < url.length() && "/?#".indexOf(url.charAt(authEnd)) < 0) {
            authEnd++;
        }
        StringBuilder b = new StringBuilder(url.length() + 16);
        b.append(url, 0, authStart);
        if (schemeEnd >= 0) {
            authority(url.substring(authStart, authEnd), b);
        } else {
            authEnd = 0;
        }
        encode(url, authEnd, url.length(), b);
        return b.toString();
    }

    private static void authority(String auth, StringBuilder b) {
        int at = auth.lastIndexOf('@');
        if (at >= 0) {
            encode(auth, 0, at + 1, b);
        }
        String hostPort = auth.substring(at + 1);
        int colon = hostPort.startsWith("[") ? hostPort.indexOf(':', hostPort.indexOf(']')) : hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        if (!isAscii(host)) {
            try {
                host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid host name \"" + host + "\": " + e.getMessage(), e);
            }
        }
        b.append(host);
        if (colon >= 0) {
            b.append(hostPort, colon, hostPort.length());
        }
    }

    private static void encode(String s, int from, int to, StringBuilder b) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (allowed(c)) {
                b.append(c);
                continue;
            }
            int cp = s.codePointAt(i);
            if (Character.charCount(cp) == 2) {
                i++;
            }
            for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
            }
        }
    }
}
