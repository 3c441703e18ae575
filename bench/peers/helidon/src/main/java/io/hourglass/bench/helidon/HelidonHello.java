package io.hourglass.bench.helidon;

import io.helidon.common.Version;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Benchmark peer: Helidon 4 SE WebServer (a virtual thread per connection), a routing with one
 * {@code GET /hello} route answering {@code hello\n}; Helidon answers 404 for anything else.
 *
 * <p>Usage: {@code java -jar helidon-hello.jar PORT [HOST]} (port 0 picks a free port; HOST, the address to
 * listen on, defaults to 127.0.0.1) or {@code --version}. Prints {@code listening on http://HOST:PORT} once it
 * accepts connections, like {@code hourglass serve}.
 */
public final class HelidonHello {
    private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.US_ASCII);
    private static final Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");

    private HelidonHello() {}

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("helidon " + Version.VERSION + " (SE WebServer)");
            return;
        }
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: helidon-hello PORT [HOST]   (port 0 picks a free port; HOST defaults to 127.0.0.1)");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("helidon-hello: not a port: " + args[0]);
            System.exit(2);
            return;
        }
        String host = args.length == 2 ? args[1] : "127.0.0.1";
        String urlHost = host.contains(":") ? "[" + host + "]" : host;  // an IPv6 literal in a URL

        WebServer server = WebServer.builder()   // stops on SIGTERM by its own shutdown hook
                .host(host)
                .port(port)
                .idleConnectionTimeout(Duration.ofSeconds(60))  // keep-alive idle limit (default 5 min)
                .routing(routing -> routing.get("/hello", (req, res) -> {
                    res.header(CONTENT_TYPE);
                    res.send(BODY);  // sets Content-Length
                }))
                .build()
                .start();
        System.out.println("listening on http://" + urlHost + ":" + server.port());
        System.out.flush();
    }
}
