package io.hourglass.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which proxy a call's connection goes through (issue 13): the one {@link ClientConfig#proxySelector()}
 * chooses for the URL, or none. {@link #fromEnvironment} is Go's {@code ProxyFromEnvironment}: HTTP_PROXY for
 * http URLs, HTTPS_PROXY for https, NO_PROXY for the exceptions, each also in lower case.
 */
final class Proxies {
    private Proxies() {}

    /**
     * A proxy for one origin. HTTP: plain http goes to it in absolute form (RFC 9112 section 3.2.2), https
     * through a CONNECT tunnel (RFC 9110 section 9.3.6); SOCKS5: a tunnel for both (RFC 1928). The
     * credentials come from the proxy URL's {@code user:password@} (the environment's), else none.
     *
     * @param socks a SOCKS5 proxy rather than an HTTP one
     * @param host the proxy's host name or address
     * @param port the proxy's port
     * @param user the user name, null for none
     * @param password the password, null when {@code user} is
     */
    record Route(boolean socks, String host, int port, String user, String password) {
        /** {@return the Proxy-Authorization value for Basic (RFC 7617), or null without credentials} */
        String basic() {
            return user == null ? null : "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        /** {@return the proxy as in messages, without its credentials: {@code http://host:port}} */
        String label() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return (socks ? "socks5://" : "http://") + h + ":" + port;
        }

        @Override
        public String toString() {
            return label(); // never the password
        }
    }

    /**
     * The route for {@code uri}: null for a direct connection (no selector, or it says DIRECT).
     *
     * @throws ClientException of kind PROXY when the selector fails or gives a proxy it cannot say where
     */
    static Route select(ProxySelector selector, URI uri) throws ClientException {
        if (selector == null) {
            return null;
        }
        if (selector instanceof Env env) {
            return env.route(uri);
        }
        List<Proxy> proxies;
        try {
            proxies = selector.select(uri);
        } catch (RuntimeException e) {
            throw new ClientException(ClientException.Kind.PROXY, "the ProxySelector failed for " + uri + ": " + e, e);
        }
        if (proxies == null || proxies.isEmpty() || proxies.get(0).type() == Proxy.Type.DIRECT) {
            return null;
        }
        Proxy p = proxies.get(0); // the first; a ProxySelector's list is in order of preference
        SocketAddress a = p.address();
        if (!(a instanceof InetSocketAddress in)) {
            throw new ClientException(ClientException.Kind.PROXY, "the ProxySelector gave " + p
                    + " for " + uri + ", without a host and port", null);
        }
        return new Route(p.type() == Proxy.Type.SOCKS, in.getHostString(), in.getPort(), null, null);
    }

    /**
     * The proxies the environment names, as Go reads them: {@code HTTP_PROXY} (ignored when
     * {@code REQUEST_METHOD} is set: a CGI program's Proxy header would set it, "httpoxy"), {@code HTTPS_PROXY},
     * {@code NO_PROXY}, upper case first, then lower case.
     *
     * @param env the environment, {@code System.getenv()}
     * @return the selector, which {@link #select} reads with the credentials
     * @throws IllegalArgumentException naming the variable, for a proxy URL that cannot be used
     */
    static ProxySelector fromEnvironment(Map<String, String> env) {
        String http = env.containsKey("REQUEST_METHOD") ? null : get(env, "HTTP_PROXY");
        return new Env(parse("HTTP_PROXY", http), parse("HTTPS_PROXY", get(env, "HTTPS_PROXY")),
                NoProxy.parse(get(env, "NO_PROXY")), true);
    }

    private static String get(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            v = env.get(name.toLowerCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** A proxy URL: {@code [http://|socks5://|socks5h://][user:password@]host[:port]}. */
    static Route parse(String variable, String value) {
        if (value == null) {
            return null;
        }
        String v = value.contains("://") ? value : "http://" + value; // Go: no scheme means http
        URI u;
        try {
            u = new URI(v);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(variable + "=" + value + " is not a proxy URL: " + e.getMessage(), e);
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        boolean socks = scheme.equals("socks5") || scheme.equals("socks5h");
        if (!socks && !scheme.equals("http")) {
            throw new IllegalArgumentException(variable + "=" + value + ": the proxy's scheme must be http, socks5 "
                    + "or socks5h (an https proxy is not supported)");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException(variable + "=" + value + " names no proxy host");
        }
        int port = u.getPort() != -1 ? u.getPort() : socks ? 1080 : 80;
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        return new Route(socks, host, port, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Proxies from URLs (the environment's, or {@link ClientConfig.Builder#proxy(String)}'s), with their
     * credentials, which a {@link Proxy} cannot carry.
     */
    static final class Env extends ProxySelector {
        final Route http;
        final Route https;
        final NoProxy noProxy;
        final boolean loopbackDirect; // Go's environment rule; curl's -x proxies loopback too

        Env(Route http, Route https, NoProxy noProxy, boolean loopbackDirect) {
            this.http = http;
            this.https = https;
            this.noProxy = noProxy;
            this.loopbackDirect = loopbackDirect;
        }

        Route route(URI uri) {
            Route r = "https".equalsIgnoreCase(uri.getScheme()) ? https : http;
            if (r == null || !noProxy.useProxy(uri.getHost(), Urls.port(uri), loopbackDirect)) {
                return null;
            }
            return r;
        }

        @Override
        public List<Proxy> select(URI uri) {
            Route r = route(uri);
            if (r == null) {
                return List.of(Proxy.NO_PROXY);
            }
            return List.of(new Proxy(r.socks() ? Proxy.Type.SOCKS : Proxy.Type.HTTP,
                    InetSocketAddress.createUnresolved(r.host(), r.port())));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            // nothing to learn: the call fails with its own error
        }

        @Override
        public String toString() {
            return "proxies from the environment (HTTP_PROXY=" + http + ", HTTPS_PROXY=" + https + ", NO_PROXY="
                    + noProxy + ")";
        }
    }

    /**
     * NO_PROXY, with Go's rules: a comma-separated list of host names, IP addresses and CIDR blocks, each host
     * name with an optional port; {@code *} means no proxy at all; {@code example.com} matches the name and
     * its subdomains, {@code .example.com} the subdomains only. Loopback addresses and {@code localhost} never
     * go through the proxy.
     */
    static final class NoProxy {
        private final boolean all;
        private final List<String[]> names = new ArrayList<>(); // {name, port or null}; a leading '.' kept
        private final List<byte[][]> blocks = new ArrayList<>(); // {address, mask}
        private final String text;

        private NoProxy(String text) {
            this.text = text == null ? "" : text;
            boolean star = false;
            for (String part : this.text.split(",")) {
                String p = part.strip().toLowerCase(Locale.ROOT);
                if (p.isEmpty()) {
                    continue;
                }
                star |= p.equals("*");
                if (!p.equals("*") && !addBlock(p)) {
                    addName(p);
                }
            }
            this.all = star;
        }

        static NoProxy parse(String text) {
            return new NoProxy(text);
        }

        private boolean addBlock(String p) {
            int slash = p.indexOf('/');
            String addr = slash < 0 ? p : p.substring(0, slash);
            byte[] a = literal(addr);
            if (a == null) {
                return false;
            }
            int bits = a.length * 8;
            if (slash >= 0) {
                try {
                    bits = Math.clamp(Integer.parseInt(p.substring(slash + 1)), 0, a.length * 8);
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            byte[] mask = new byte[a.length];
            for (int i = 0; i < bits; i++) {
                mask[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
            blocks.add(new byte[][] {a, mask});
            return true;
        }

        private void addName(String p) {
            String port = null;
            int colon = p.lastIndexOf(':');
            if (colon > 0 && p.indexOf(':') == colon) {
                port = p.substring(colon + 1);
                p = p.substring(0, colon);
            }
            if (p.startsWith("*.")) {
                p = p.substring(1); // Go: "*.example.com" is ".example.com"
            }
            names.add(new String[] {p, port});
        }

        /** An IP literal's bytes, without a DNS lookup; null for a host name. */
        private static byte[] literal(String s) {
            String h = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
            if (h.indexOf(':') >= 0) {
                try {
                    return InetAddress.getByName(h).getAddress(); // a literal with ':' is parsed, never looked up
                } catch (java.net.UnknownHostException e) {
                    return null;
                }
            }
            String[] parts = h.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] a = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                a[i] = (byte) v;
            }
            return a;
        }

        /** Whether a request to {@code host}:{@code port} goes through the proxy. */
        boolean useProxy(String host, int port, boolean loopbackDirect) {
            String h = host.toLowerCase(Locale.ROOT);
            byte[] ip = literal(h);
            if (loopbackDirect && (h.equals("localhost") || h.endsWith(".localhost") || ip != null && isLoopback(ip))) {
                return false;
            }
            if (all) {
                return false;
            }
            if (ip != null) {
                for (byte[][] b : blocks) {
                    if (within(ip, b[0], b[1])) {
                        return false;
                    }
                }
            }
            for (String[] n : names) {
                if (n[1] != null && !n[1].equals(Integer.toString(port))) {
                    continue;
                }
                String name = n[0];
                if (name.startsWith(".") ? h.endsWith(name) : h.equals(name) || h.endsWith("." + name)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isLoopback(byte[] ip) {
            if (ip.length == 4) {
                return ip[0] == 127;
            }
            for (int i = 0; i < 15; i++) {
                if (ip[i] != 0) {
                    return false;
                }
            }
            return ip[15] == 1;
        }

        private static boolean within(byte[] ip, byte[] net, byte[] mask) {
            if (ip.length != net.length) {
                return false;
            }
            for (int i = 0; i < ip.length; i++) {
                if ((ip[i] & mask[i]) != (net[i] & mask[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
