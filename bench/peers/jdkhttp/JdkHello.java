// Benchmark peer for bench/server-compare.sh: the JDK's com.sun.net.httpserver.HttpServer answering
// GET /hello with "hello\n", 404 for anything else.
//
// Usage: java -cp DIR JdkHello PORT [HOST]   (port 0 picks a free port; HOST, the address to listen on,
// defaults to 127.0.0.1) or --version. Prints "listening on http://HOST:PORT" once it accepts connections,
// like `hourglass serve`.
// JDK only: the default executor (handlers run on the server's dispatcher thread), the default limits,
// except the idle keep-alive limit, set to 60 s (sun.net.httpserver.idleInterval, default 30 s), and one
// addition: "Connection: close" in the response when the request asked for it (see handle()).

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public final class JdkHello {
    private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.US_ASCII);

    private JdkHello() {}

    static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();  // none for GET; drained so the connection can be reused
            if (!"GET".equals(exchange.getRequestMethod()) || !"/hello".equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);  // -1: no body, Content-Length: 0
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            // The server closes after answering a "Connection: close" request but does not say so in the
            // response (RFC 9112 9.6: it SHOULD); wrk would then write its next request into the closed
            // connection and count a read error per request. Say it, as the other servers do.
            if ("close".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Connection"))) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            exchange.sendResponseHeaders(200, BODY.length);  // sets Content-Length
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("jdk com.sun.net.httpserver, java " + Runtime.version());
            return;
        }
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: JdkHello PORT [HOST]   (port 0 picks a free port; HOST defaults to 127.0.0.1)");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("jdk-hello: not a port: " + args[0]);
            System.exit(2);
            return;
        }
        String host = args.length == 2 ? args[1] : "127.0.0.1";
        String urlHost = host.contains(":") ? "[" + host + "]" : host;  // an IPv6 literal in a URL
        if (System.getProperty("sun.net.httpserver.idleInterval") == null) {
            System.setProperty("sun.net.httpserver.idleInterval", "60");  // keep-alive idle limit, seconds
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/", JdkHello::handle);  // "/" matches every path; handle() checks it exactly
        server.setExecutor(null);                     // the default executor
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        System.out.println("listening on http://" + urlHost + ":" + server.getAddress().getPort());
        System.out.flush();
    }
}
