package io.hourglass.client;

import io.hourglass.http.Headers;
import io.hourglass.http.Phase;
import io.hourglass.internal.text.Durations;
import io.hourglass.internal.time.Timers;
import io.hourglass.net.Clock;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A tunnel through a proxy to an origin, on a TCP connection to the proxy, on the caller's thread: HTTP's
 * CONNECT (RFC 9110 section 9.3.6) or SOCKS5 (RFC 1928; RFC 1929's user and password). Phase PROXY_CONNECT:
 * from the first byte to the proxy until the tunnel is up, bounded by {@link ClientConfig#proxyConnectTimeout()}
 * and the call's deadline; at either the socket is closed (the clock's timer does it, so a test's clock works
 * too). A cancel closes it too ({@link Exchange#connecting}).
 */
final class ProxyTunnel implements Closeable {
    private static final int MAX_HEAD = 64 * 1024;

    private final Socket socket;
    private final Proxies.Route proxy;
    private final Pool.Origin origin;
    private final Exchange x;
    private final ClientConfig cfg;
    private final Clock clock;
    private final long start;
    private final long limitDeadline;   // the proxy-connect timeout's instant, 0 for none
    // Set by the clock's timer when it closed the socket at the deadline; read by the caller's thread after
    // its read or write failed.
    private volatile boolean expired;

    ProxyTunnel(Socket socket, Proxies.Route proxy, Pool.Origin origin, Exchange x, Clock clock) {
        this.socket = socket;
        this.proxy = proxy;
        this.origin = origin;
        this.x = x;
        this.cfg = x.config();
        this.clock = clock;
        this.start = clock.nanoTime();
        long t = Durations.nanos(cfg.proxyConnectTimeout());
        this.limitDeadline = t == 0 ? 0 : start + t;
    }

    /**
     * Sets the tunnel up.
     *
     * @param authorization the Proxy-Authorization value to send with CONNECT, null for none (HTTP only)
     * @return null when the tunnel is up; the proxy's 407 (HTTP), to be answered on a new connection
     * @throws IOException a timeout (PROXY_CONNECT or the call's), a cancel, or kind PROXY for a refusal
     */
    ClientResponse open(String authorization) throws IOException {
        long deadline = x.earliest(limitDeadline);
        if (deadline != 0 && deadline - start <= 0) {
            throw expiredError(deadline);
        }
        Timers.Task timer = deadline == 0 ? null : Timers.schedule(clock, deadline, this::expire);
        x.connecting(this);
        x.doing("setting up a tunnel through proxy " + proxy.label());
        try {
            if (proxy.socks()) {
                socks5();
                return null;
            }
            return connect(authorization);
        } catch (IOException e) {
            close();
            x.checkCancelled();
            if (expired) {
                throw expiredError(deadline);
            }
            if (e instanceof ClientException) {
                throw e;
            }
            throw new ClientException(e instanceof EOFException ? ClientException.Kind.PROXY : ClientException.Kind.IO,
                    "proxy " + proxy.label() + " (setting up a tunnel to " + target() + "): " + e.getMessage(), e);
        } finally {
            x.connecting(null);
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    private IOException expiredError(long deadline) {
        if (deadline != limitDeadline) {
            return x.totalTimeout("while proxy " + proxy.label() + " set up a tunnel to " + target());
        }
        return x.timeout(Phase.PROXY_CONNECT, cfg.proxyConnectTimeout(), start,
                "proxy " + proxy.label() + ", tunnel to " + target());
    }

    private void expire() {
        expired = true;
        close();
    }

    /** host:port of the origin, an IPv6 address in brackets (RFC 9110 section 7.2). */
    private String target() {
        String host = bareHost();
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h + ":" + origin.port();
    }

    /** The origin's host without the brackets a URL puts around an IPv6 address. */
    private String bareHost() {
        String h = origin.host();
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    // ---- HTTP CONNECT ----

    private ClientResponse connect(String authorization) throws IOException {
        StringBuilder sb = new StringBuilder(128);
        sb.append("CONNECT ").append(target()).append(" HTTP/1.1\r\nHost: ").append(target())
                .append("\r\nUser-Agent: ").append(cfg.userAgent()).append("\r\n");
        if (authorization != null) {
            sb.append("Proxy-Authorization: ").append(authorization).append("\r\n");
        }
        sb.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String head = readHead(socket.getInputStream());
        int eol = head.indexOf('\n');
        String statusLine = (eol < 0 ? head : head.substring(0, eol)).strip();
        int status = statusOf(statusLine);
        if (status / 100 == 2) {
            return null; // RFC 9110 section 9.3.6: any 2xx means the tunnel is up
        }
        if (status == 407) {
            ClientResponse r = ClientResponse.of(407, headersOf(head, eol), "");
            r.answers(connectRequest(authorization));
            return r;
        }
        throw new ClientException(ClientException.Kind.PROXY, "proxy " + proxy.label() + " refused the tunnel to "
                + target() + ": " + statusLine.substring(Math.min(statusLine.length(), 9)), null);
    }

    /** The CONNECT as a request, for a proxy authenticator: method CONNECT, the origin's URL. */
    ClientRequest connectRequest(String authorization) {
        ClientRequest.Builder b = ClientRequest.builder("CONNECT",
                URI.create(origin.scheme() + "://" + target() + "/"));
        if (authorization != null) {
            b.header("Proxy-Authorization", authorization);
        }
        return b.build();
    }

    /** Reads up to the blank line, and not a byte further: after a 2xx the tunnel's bytes follow. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int last = -1;
        int beforeLast = -1;
        while (b.size() < MAX_HEAD) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the proxy closed the connection before its answer to CONNECT");
            }
            b.write(c);
            // CRLF CRLF, or a bare LF's blank line (RFC 9112 section 2.2, as for every response head)
            if (c == '\n' && (last == '\n' || last == '\r' && beforeLast == '\n')) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            beforeLast = last;
            last = c;
        }
        throw new IOException("the proxy's answer to CONNECT is over " + MAX_HEAD + " bytes");
    }

    private int statusOf(String line) throws ClientException {
        if (line.startsWith("HTTP/1.") && line.length() >= 12 && line.charAt(8) == ' ') {
            try {
                return Integer.parseInt(line.substring(9, 12));
            } catch (NumberFormatException ignored) {
                // below
            }
        }
        throw new ClientException(ClientException.Kind.PROXY, "proxy " + proxy.label()
                + " answered CONNECT with something that is not HTTP/1.x: \"" + printable(line) + "\"", null);
    }

    private static Headers headersOf(String head, int eol) {
        Headers h = new Headers();
        for (String line : head.substring(eol + 1).split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                try {
                    h.add(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                } catch (IllegalArgumentException ignored) {
                    // a field that is not one: an authenticator has no use for it
                }
            }
        }
        return h;
    }

    private static String printable(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    // ---- SOCKS5 ----

    private void socks5() throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        boolean creds = proxy.user() != null;
        out.write(creds ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0}); // version 5; no auth (, user/password)
        out.flush();
        byte[] choice = readN(in, 2);
        if (choice[0] != 5) {
            throw socksError("answered in something other than SOCKS5");
        }
        if ((choice[1] & 0xff) == 0xff) {
            throw socksError(creds ? "accepts neither no authentication nor a user and password"
                    : "requires authentication: give the proxy URL a user:password@");
        }
        if (choice[1] == 2) {
            authenticate(in, out);
        } else if (choice[1] != 0) {
            throw socksError("chose an authentication method this client did not offer (" + choice[1] + ")");
        }
        out.write(connectMessage());
        out.flush();
        byte[] reply = readN(in, 4);
        if (reply[1] != 0) {
            throw socksError("refused the connection to " + target() + ": " + replyText(reply[1]));
        }
        int skip = switch (reply[3]) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> readN(in, 1)[0] & 0xff;
            default -> throw socksError("answered with an unknown address type " + reply[3]);
        };
        readN(in, skip + 2); // the proxy's bound address and port: not needed
    }

    /** RFC 1929: version 1, the user name and the password, each at most 255 bytes. */
    private void authenticate(InputStream in, OutputStream out) throws IOException {
        byte[] u = proxy.user().getBytes(StandardCharsets.UTF_8);
        byte[] p = proxy.password().getBytes(StandardCharsets.UTF_8);
        if (u.length > 255 || p.length > 255) {
            throw socksError("cannot take a user name or password over 255 bytes (RFC 1929)");
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(1);
        b.write(u.length);
        b.write(u);
        b.write(p.length);
        b.write(p);
        out.write(b.toByteArray());
        out.flush();
        byte[] r = readN(in, 2);
        if (r[1] != 0) {
            throw socksError("refused the user name and password");
        }
    }

    /** CONNECT to the origin: an IP literal as an address, a name as a name (the proxy resolves it). */
    private byte[] connectMessage() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {5, 1, 0});
        String host = bareHost();
        byte[] ip = host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9')
                ? InetAddress.getByName(host).getAddress() : null; // a literal: parsed, never looked up
        if (ip != null) {
            b.write(ip.length == 4 ? 1 : 4);
            b.write(ip);
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII); // an IDNA host is ASCII already (Urls)
            if (name.length > 255) {
                throw socksError("cannot carry a host name over 255 bytes");
            }
            b.write(3);
            b.write(name.length);
            b.write(name);
        }
        b.write(origin.port() >> 8);
        b.write(origin.port() & 0xff);
        return b.toByteArray();
    }

    private static String replyText(byte code) {
        return switch (code) {
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "reply " + (code & 0xff);
        };
    }

    private ClientException socksError(String what) {
        return new ClientException(ClientException.Kind.PROXY, "SOCKS5 proxy " + proxy.label() + " " + what, null);
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the SOCKS5 proxy closed the connection mid-handshake");
        }
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
