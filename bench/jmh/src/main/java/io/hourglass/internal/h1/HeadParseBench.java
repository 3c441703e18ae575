package io.hourglass.internal.h1;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parsing one message head the way the server and the client do: {@link H1Parser#awaitHead} finds the blank
 * line in the connection's {@link InBuffer} (the head is already there, so no read happens), then
 * {@link H1Parser#parseRequest} / {@link H1Parser#parseResponse} fill a reused head object, framing included
 * (the general path); the {@code OnePass} ones take the server's call, {@link H1Parser#readRequestHead}, which
 * parses a head of the usual shape in the pass that finds its end.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeadParseBench {
    /** What wrk sends: request line and Host only. */
    static final String WRK_GET = "GET /hello HTTP/1.1\r\n"
            + "Host: 127.0.0.1:8080\r\n"
            + "\r\n";

    /** A browser's page load: 9 fields, one of them (Sec-Fetch-Mode) not among the parser's known names. */
    static final String BROWSER_GET = "GET /docs/guide.html?lang=en&v=2 HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=4f2a9c1e7b3d48a6; theme=dark\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "\r\n";

    /** nginx's answer for a small static file: 6 fields. */
    static final String NGINX_200 = "HTTP/1.1 200 OK\r\n"
            + "Server: nginx/1.22.1\r\n"
            + "Date: Sat, 22 Nov 2026 16:05:09 GMT\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 6\r\n"
            + "Connection: keep-alive\r\n"
            + "ETag: \"6740a1b5-6\"\r\n"
            + "\r\n";

    private static final Runnable NO_OP = () -> { };

    // The server's parser and buffer sizes (ServerConfig defaults), and the client's.
    private final H1Parser serverParser = new H1Parser(16 * 1024, 100);
    private final H1Parser clientParser = new H1Parser(64 * 1024, 256);
    private final RequestHead request = new RequestHead();
    private final ResponseHead response = new ResponseHead();
    private InBuffer wrk, browser, nginx;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        wrk = loaded(WRK_GET, 4096);
        browser = loaded(BROWSER_GET, 4096);
        nginx = loaded(NGINX_200, 8192);
        // Fail the run, not just measure garbage, if a head does not parse as expected.
        check(requestWrk().headers.size() == 1 && request.keepAlive, "wrk GET");
        check(requestBrowser().headers.size() == 9 && "/docs/guide.html?lang=en&v=2".equals(request.target), "browser GET");
        check(requestWrkOnePass().headers.size() == 1 && request.quickParsed, "wrk GET, one pass");
        check(requestBrowserOnePass().headers.size() == 9 && request.quickParsed, "browser GET, one pass");
        check(responseNginx().status == 200 && response.contentLength == 6 && response.headers.size() == 6, "nginx 200");
    }

    /** An InBuffer holding {@code head}; every parse rewinds it, so its source is never read. */
    private static InBuffer loaded(String head, int size) {
        InBuffer in = new InBuffer((b, off, len) -> -1, size, size);
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, in.buf, 0, bytes.length);
        in.lim = bytes.length;
        return in;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("the " + what + " head did not parse as expected");
        }
    }

    @Benchmark
    public RequestHead requestWrk() throws IOException {
        return parseRequest(wrk);
    }

    @Benchmark
    public RequestHead requestBrowser() throws IOException {
        return parseRequest(browser);
    }

    /** The server's call since round 6: {@link H1Parser#readRequestHead}, the one-pass parse of a usual head. */
    @Benchmark
    public RequestHead requestWrkOnePass() throws IOException {
        return readRequest(wrk);
    }

    @Benchmark
    public RequestHead requestBrowserOnePass() throws IOException {
        return readRequest(browser);
    }

    @Benchmark
    public ResponseHead responseNginx() throws IOException {
        InBuffer in = nginx;
        in.pos = 0;
        int end = clientParser.awaitHead(in, null);
        clientParser.parseResponse(in.buf, in.pos, end, "GET", response);
        return response;
    }

    private RequestHead readRequest(InBuffer in) throws IOException {
        in.pos = 0;
        serverParser.readRequestHead(in, NO_OP, request);
        return request;
    }

    private RequestHead parseRequest(InBuffer in) throws IOException {
        in.pos = 0;
        int end = serverParser.awaitRequestHead(in, NO_OP);
        serverParser.parseRequest(in.buf, in.pos, end, request);
        return request;
    }
}
