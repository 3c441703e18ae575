package io.hourglass.cli;

import io.hourglass.internal.text.Durations;
import io.hourglass.observe.MetricsRegistry;
import io.hourglass.server.Filter;
import io.hourglass.server.Http2Config;
import io.hourglass.server.Request;
import io.hourglass.server.Response;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.server.StaticFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hourglass serve}: the server with demo routes, for trying the timeouts by hand and in tests, and
 * {@code GET /metrics} for Prometheus.
 */
@Command(name = "serve",
        description = {"Runs an Hourglass server with demo routes and /metrics.",
            "",
            "For trying the timeouts by hand and in tests: every server timeout has a flag below. Durations use "
                    + "Go's syntax (250ms, 1.5s, 2m, 1m30s); 0 disables a timeout. Stops gracefully on SIGTERM or "
                    + "Ctrl-C, waiting up to --shutdown-timeout for requests in flight.",
            "",
            "HTTP/2 on the same port: h2c with prior knowledge (curl --http2-prior-knowledge), and h2 by ALPN "
                    + "with --tls-cert/--tls-key; HTTP/1.1 is still served to the rest. The routes answer the same "
                    + "over both."},
        footer = {"", "Examples:",
            "  hourglass serve --listen 127.0.0.1:8080",
            "  hourglass serve --listen 127.0.0.1:8080 --handler-timeout 5s",
            "  hourglass serve --listen 127.0.0.1:8080 --dir ./public --access-log",
            "  curl -s 127.0.0.1:8080/metrics",
            "  curl --http2-prior-knowledge 127.0.0.1:8080/hello"},
        mixinStandardHelpOptions = true)
final class Serve implements Callable<Integer>, HelpLayout.HelpTable {
    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Address to listen on; port 0 picks a free port.")
    HostPort listen;

    @Option(names = "--read-header-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Request line and header, from the first byte (default 10s).")
    Duration readHeaderTimeout;

    @Option(names = "--read-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Whole request, header and body (default 60s).")
    Duration readTimeout;

    @Option(names = "--write-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "End of request header to end of response (default 60s).")
    Duration writeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Keep-alive wait for the next request (default 120s).")
    Duration idleTimeout;

    @Option(names = "--handler-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Handler run time; 503 and cancel on expiry (default 30s).")
    Duration handlerTimeout;

    @Option(names = "--max-header-bytes", paramLabel = "N", description = "Largest request head; 431 past it (default 16384).")
    Integer maxHeaderBytes;

    @Option(names = "--shutdown-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Graceful shutdown wait for in-flight requests (default 30s).")
    Duration shutdownTimeout;

    @Option(names = "--dir", paramLabel = "PATH",
            description = "Serve the files under this directory at / (docs/static-files.md).")
    Path dir;

    @Option(names = "--access-log", paramLabel = "FORMAT", arity = "0..1", fallbackValue = "common",
            description = "One line per request on stdout: common (the default) or json.")
    String accessLog;

    @Option(names = "--max-body-bytes", paramLabel = "N",
            description = "Largest request body; 413 past it, 0 for no limit (default 30000000).")
    Long maxBodyBytes;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (with --tls-cert).")
    Path tlsKey;

    @Option(names = "--honour-deadlines", paramLabel = "BOOL", arity = "1",
            description = "Bound each handler by the deadline its client sends in --deadline-header (or grpc-timeout); "
                    + "504 when none is left (default true).")
    Boolean honourDeadlines;

    @Option(names = "--deadline-header", paramLabel = "NAME",
            description = "The request header carrying the client's deadline, e.g. 250m or 2S (default Request-Timeout).")
    String deadlineHeader;

    @Option(names = "--max-concurrent-streams", paramLabel = "N",
            description = "HTTP/2: streams (and running handlers) per connection (default 100).")
    Integer maxConcurrentStreams;

    @Option(names = "--h2", paramLabel = "BOOL", arity = "1",
            description = "Speak HTTP/2 as well as HTTP/1.1: --h2=false serves HTTP/1.1 only (default true).")
    Boolean h2;

    private final PrintStream out;

    @Override
    public String tableHeading() {
        return "Routes";
    }

    @Override
    public Map<String, String> tableRows() {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("GET /hello", "200 hello");
        rows.put("GET /sleep?d=DUR", "waits DUR, then 200; returns early when the request is cancelled, unless "
                + "&cancel=ignore is given");
        rows.put("GET /bytes?n=N", "N bytes with Content-Length");
        rows.put("GET /stream?n=N&every=DUR", "N chunks 'tick', one every DUR (default 1s)");
        rows.put("POST /echo", "sends the request body back");
        rows.put("ANY /inspect", "how the request was parsed, on one line (bench/differential.sh)");
        rows.put("GET /metrics", "Prometheus text: this server's metrics and, on Linux, the TCP states of its "
                + "port by peer (docs/metrics.md)");
        rows.put("GET /PATH", "with --dir: the files under the directory (ranges, conditional requests, "
                + "index.html); the routes above take precedence");
        return rows;
    }

    Serve() {
        this(System.out);
    }

    Serve(PrintStream out) {
        this.out = out;
    }

    ServerConfig config() {
        ServerConfig.Builder b = ServerConfig.builder().host(listen.host()).port(listen.port());
        if (readHeaderTimeout != null) b.readHeaderTimeout(readHeaderTimeout);
        if (readTimeout != null) b.readTimeout(readTimeout);
        if (writeTimeout != null) b.writeTimeout(writeTimeout);
        if (idleTimeout != null) b.idleTimeout(idleTimeout);
        if (handlerTimeout != null) b.handlerTimeout(handlerTimeout);
        if (shutdownTimeout != null) b.shutdownTimeout(shutdownTimeout);
        if (honourDeadlines != null) b.honourDeadlines(honourDeadlines);
        if (deadlineHeader != null) {
            if (deadlineHeader.isEmpty() || !deadlineHeader.chars().allMatch(io.hourglass.http.Headers::isTokenChar)) {
                throw new Cli.UsageException("--deadline-header must be a header field name, got '" + deadlineHeader + "'");
            }
            b.deadlineHeader(deadlineHeader);
        }
        if (maxHeaderBytes != null) {
            if (maxHeaderBytes < 256) {
                throw new Cli.UsageException("--max-header-bytes must be at least 256, got " + maxHeaderBytes);
            }
            b.maxHeaderBytes(maxHeaderBytes);
        }
        if (maxBodyBytes != null) {
            if (maxBodyBytes < 0) {
                throw new Cli.UsageException("--max-body-bytes must not be negative, got " + maxBodyBytes);
            }
            b.maxRequestBodyBytes(maxBodyBytes);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new Cli.UsageException(tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }
        Http2Config.Builder h2b = Http2Config.builder();
        if (h2 != null) h2b.enabled(h2);
        if (maxConcurrentStreams != null) {
            if (maxConcurrentStreams < 1) {
                throw new Cli.UsageException("--max-concurrent-streams must be at least 1, got " + maxConcurrentStreams);
            }
            h2b.maxConcurrentStreams(maxConcurrentStreams);
        }
        b.http2(h2b.build());
        if (tlsCert != null) {
            for (Path p : new Path[] {tlsCert, tlsKey}) {
                if (!Files.isReadable(p)) {
                    throw new Cli.UsageException("cannot read " + (p == tlsCert ? "--tls-cert" : "--tls-key") + " file " + p);
                }
            }
            b.tls(tlsCert, tlsKey);
        }
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = config();
        MetricsRegistry registry = new MetricsRegistry();
        Router router = withFilesAndLog(routes(registry));
        Server server;
        try {
            server = Server.start(cfg, router, registry);
        } catch (IOException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        // hourglass_tcp_connections (Linux) comes with the server: ServerConfig.tcpStateMetrics, on by default
        Signals.onTermination(server::shutdown);
        out.println("listening on " + server.url());
        out.flush();
        server.awaitShutdown();
        return Cli.OK;
    }

    /** Adds {@code --access-log} around everything and {@code --dir}'s files under the demo routes. */
    Router withFilesAndLog(Router router) {
        if (accessLog != null) {
            System.Logger log = new LineLogger(out);
            router.use(switch (accessLog) {
                case "common" -> Filter.accessLog(log);
                case "json" -> Filter.accessLogJson(log);
                default -> throw new Cli.UsageException("--access-log takes common or json, got " + accessLog);
            });
        }
        if (dir != null) {
            if (!Files.isDirectory(dir)) {
                throw new Cli.UsageException("--dir: no such directory: " + dir);
            }
            router.get("/", StaticFiles.of(dir)); // GET / is a subtree: every path the demo routes leave
        }
        return router;
    }

    /** The demo routes, without {@code /metrics}. */
    static Router routes() {
        Router r = new Router()
                .get("/hello", (req, res) -> res.header("Content-Type", "text/plain; charset=utf-8").send(HELLO))
                .get("/sleep", Serve::sleep)
                .get("/bytes", Serve::bytes)
                .get("/stream", Serve::stream)
                .post("/echo", Serve::echo);
        for (String m : Inspect.METHODS) {
            r.route(m + " /inspect", Inspect::handle);
        }
        return r;
    }

    /** The demo routes, then {@code /metrics} serving {@code registry} (last, so /hello matches first). */
    static Router routes(MetricsRegistry registry) {
        return routes().get("/metrics", (req, res) -> {
            res.header("Content-Type", MetricsRegistry.CONTENT_TYPE);
            res.send(registry.toPrometheusText().getBytes(StandardCharsets.UTF_8));
        });
    }

    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);

    private static void sleep(Request req, Response res) throws IOException {
        Duration d = durationParam(req, res, "d");
        if (d == null) {
            return;
        }
        boolean ignore = "ignore".equals(req.queryParam("cancel"));
        long end = System.nanoTime() + d.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                if (!ignore) {
                    return; // cancelled: the client is gone or the handler timed out
                }
            }
        }
        res.send("slept\n");
    }

    private static void bytes(Request req, Response res) throws IOException {
        Long n = longParam(req, res, "n");
        if (n == null) {
            return;
        }
        res.contentLength(n);
        res.header("Content-Type", "application/octet-stream");
        OutputStream os = res.body();
        byte[] block = new byte[8192];
        Arrays.fill(block, (byte) 'x');
        long left = n;
        while (left > 0) {
            int k = (int) Math.min(block.length, left);
            os.write(block, 0, k);
            left -= k;
        }
    }

    private static void stream(Request req, Response res) throws IOException, InterruptedException {
        Long n = longParam(req, res, "n");
        if (n == null) {
            return;
        }
        Duration every = req.queryParam("every") == null ? Duration.ofSeconds(1) : durationParam(req, res, "every");
        if (every == null) {
            return;
        }
        res.header("Content-Type", "text/plain; charset=utf-8");
        OutputStream os = res.body();
        byte[] tick = "tick\n".getBytes(StandardCharsets.US_ASCII);
        for (long i = 0; i < n; i++) {
            if (i > 0) {
                Thread.sleep(every);
            }
            os.write(tick);
            os.flush();
        }
    }

    private static void echo(Request req, Response res) throws IOException {
        String type = req.header("Content-Type");
        res.header("Content-Type", type == null ? "application/octet-stream" : type);
        long len = req.contentLength();
        InputStream in = req.body();
        if (len >= 0) {
            res.contentLength(len);
        }
        OutputStream os = res.body();
        in.transferTo(os);
    }

    private static Duration durationParam(Request req, Response res, String name) throws IOException {
        String v = req.queryParam(name);
        if (v == null) {
            badRequest(res, "missing query parameter " + name + " (a duration such as 500ms or 2s)");
            return null;
        }
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            badRequest(res, name + ": " + e.getMessage());
            return null;
        }
    }

    private static Long longParam(Request req, Response res, String name) throws IOException {
        String v = req.queryParam(name);
        try {
            long n = Long.parseLong(v == null ? "" : v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            badRequest(res, "query parameter " + name + " must be a non-negative integer");
            return null;
        }
    }

    private static void badRequest(Response res, String message) throws IOException {
        res.status(400);
        res.send(message + "\n");
    }
}
