package io.hourglass.cli;

import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.client.EventListener;
import io.hourglass.client.Interceptor;
import io.hourglass.client.RequestBody;
import io.hourglass.http.Headers;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code hourglass get} sees of its call: the clock of each phase (for {@code -v} and {@code -w}), the
 * heads of every hop as they went on the wire (for {@code -i}, {@code -I} and {@code -v}), and {@code -v}'s
 * lines on stderr in curl's shape: {@code *} for what the client did, {@code >} for the request head,
 * {@code <} for the response head. Events come from the client's {@link EventListener}, response heads from
 * a network interceptor, so redirects show every hop.
 */
final class GetTrace implements EventListener, Interceptor {
    private final PrintWriter verbose; // null without -v
    private final long start = System.nanoTime();
    final List<String> heads = new ArrayList<>(); // each hop's response head, as received
    // Times since the start, in nanoseconds, of the last hop; 0 when it did not happen (reused connection).
    long connectStart, connectEnd, tlsEnd, acquired, written, headers, ended, lastRedirect;
    int redirects;
    int connects;
    long headerBytes;
    long bodyBytes;
    String remoteIp = "";
    int remotePort;
    boolean reused;
    int status;
    String version = "";
    ClientRequest lastRequest;

    GetTrace(PrintWriter verbose) {
        this.verbose = verbose;
    }

    private long now() {
        return System.nanoTime() - start;
    }

    private void say(String line) {
        if (verbose != null) {
            verbose.println(line);
            verbose.flush();
        }
    }

    // ---- the client's events ----

    @Override
    public void connectStart(ClientRequest request, InetSocketAddress address) {
        connectStart = now();
        remoteIp = address.getAddress().getHostAddress();
        remotePort = address.getPort();
        say("*   Trying " + (remoteIp.indexOf(':') >= 0 ? "[" + remoteIp + "]" : remoteIp) + ":" + remotePort + "...");
    }

    @Override
    public void connectFailed(ClientRequest request, InetSocketAddress address, IOException error) {
        say("* connect to " + address.getAddress().getHostAddress() + " port " + address.getPort() + " failed: "
                + error.getMessage());
    }

    @Override
    public void connectEnd(ClientRequest request, long connectionId) {
        connectEnd = now();
        connects++;
        say("* Connected to " + request.uri().getHost() + " (" + remoteIp + ") port " + remotePort + " (connection #"
                + connectionId + ") in " + millis(connectEnd - connectStart));
    }

    @Override
    public void tlsEnd(ClientRequest request, long connectionId) {
        tlsEnd = now();
        say("* TLS handshake done in " + millis(tlsEnd - connectEnd));
    }

    @Override
    public void poolAcquired(ClientRequest request, long connectionId, boolean reused, long waitedNanos) {
        acquired = now();
        this.reused = reused;
        if (reused) {
            connectStart = connectEnd = tlsEnd = 0;
            say("* Re-using existing connection #" + connectionId);
        }
    }

    @Override
    public void requestWritten(ClientRequest request, long connectionId) {
        written = now();
        lastRequest = request;
        if (verbose == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        String target = request.uri().getRawPath().isEmpty() ? "/" : request.uri().getRawPath();
        if (request.uri().getRawQuery() != null) {
            target += "?" + request.uri().getRawQuery();
        }
        b.append("> ").append(request.method()).append(' ').append(target).append(" HTTP/1.1\n");
        Headers h = request.headers();
        String host = h.first("Host");
        b.append("> Host: ").append(host).append('\n');
        for (int i = 0; i < h.size(); i++) {
            if (!h.name(i).equalsIgnoreCase("Host")) {
                b.append("> ").append(h.name(i)).append(": ").append(h.value(i)).append('\n');
            }
        }
        RequestBody body = request.body();
        if (body != null) {
            b.append(body.length() >= 0 ? "> Content-Length: " + body.length() : "> Transfer-Encoding: chunked").append('\n');
        } else if (request.method().equals("POST") || request.method().equals("PUT") || request.method().equals("PATCH")) {
            b.append("> Content-Length: 0\n");
        }
        if (request.expectContinue() && body != null) {
            b.append("> Expect: 100-continue\n");
        }
        b.append(">");
        say(b.toString());
    }

    @Override
    public void responseHeaders(ClientRequest request, long connectionId, int status) {
        headers = now();
    }

    @Override
    public void followUp(ClientRequest request, int status, ClientRequest next) {
        if (status / 100 == 3) {
            redirects++;
            lastRedirect = now();
            say("* Issue another request to this URL: '" + next.uri() + "'");
        } else if (status == 0) {
            say("* Connection died, retrying a fresh connect");
        }
    }

    @Override
    public void bodyDone(ClientRequest request, long connectionId, long bytes) {
        say("* Connection #" + connectionId + " to host " + request.uri().getHost() + " left intact");
    }

    // ---- each hop's response head, as it came ----

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        ClientResponse r = chain.proceed(chain.request());
        StringBuilder b = new StringBuilder();
        b.append(r.version()).append(' ').append(r.status()).append(r.reason().isEmpty() ? "" : " " + r.reason()).append("\r\n");
        for (int i = 0; i < r.headers().size(); i++) {
            b.append(r.headers().name(i)).append(": ").append(r.headers().value(i)).append("\r\n");
        }
        b.append("\r\n");
        String head = b.toString();
        heads.add(head);
        headerBytes += head.length();
        status = r.status();
        version = r.version();
        if (verbose != null) {
            StringBuilder v = new StringBuilder();
            for (String line : head.substring(0, head.length() - 4).split("\r\n")) {
                v.append("< ").append(line).append('\n');
            }
            say(v.append('<').toString()); // the blank line that ends the head, as curl shows it
        }
        return r;
    }

    /** The end of the transfer; with -v, one line with the time of each phase. */
    void end(long bytes) {
        ended = now();
        bodyBytes = bytes;
        if (verbose != null && headers > 0) {
            say("* Timings: " + (reused ? "connection reused" : "connect " + millis(connectEnd - connectStart)
                    + (tlsEnd > 0 ? ", TLS " + millis(tlsEnd - connectEnd) : ""))
                    + ", request sent " + millis(written - acquired) + ", waited " + millis(headers - written)
                    + " for the headers, body " + millis(ended - headers) + " (" + bytes + " bytes), total " + millis(ended));
        }
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.6f", nanos / 1e9);
    }
}
