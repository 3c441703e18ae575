package io.hourglass.bench.vertx;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark peer: Vert.x 5 core, one verticle (so one event-loop thread) with an {@code HttpServer}
 * answering {@code GET /hello} with {@code hello\n}, 404 for anything else.
 *
 * <p>Usage: {@code java -jar vertx-hello.jar PORT [HOST]} (port 0 picks a free port; HOST, the address to
 * listen on, defaults to 127.0.0.1) or {@code --version}. Prints {@code listening on http://HOST:PORT} once it
 * accepts connections, like {@code hourglass serve}.
 */
public final class VertxHello extends VerticleBase {
    private static final Buffer BODY = Buffer.buffer("hello\n");
    private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain; charset=utf-8");

    private final String host;
    private final int requestedPort;
    private HttpServer server;

    private VertxHello(String host, int requestedPort) {
        this.host = host;
        this.requestedPort = requestedPort;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(requestedPort)
                .setIdleTimeout(60)                     // keep-alive idle limit
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        server = vertx.createHttpServer(options).requestHandler(req -> {
            if (req.method() != HttpMethod.GET || !"/hello".equals(req.path())) {
                req.response().setStatusCode(404).end();
                return;
            }
            req.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(BODY); // sets Content-Length
        });
        return server.listen();
    }

    private static String version() {
        try (InputStream in = Vertx.class.getClassLoader().getResourceAsStream("META-INF/vertx/vertx-version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("vertx " + version() + " (one verticle)");
            return;
        }
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: vertx-hello PORT [HOST]   (port 0 picks a free port; HOST defaults to 127.0.0.1)");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("vertx-hello: not a port: " + args[0]);
            System.exit(2);
            return;
        }
        String host = args.length == 2 ? args[1] : "127.0.0.1";
        String urlHost = host.contains(":") ? "[" + host + "]" : host;  // an IPv6 literal in a URL

        Vertx vertx = Vertx.vertx();   // default options: event loops = 2 x cores, of which this verticle uses one
        VertxHello verticle = new VertxHello(host, port);
        vertx.deployVerticle(verticle).await();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
        System.out.println("listening on http://" + urlHost + ":" + verticle.server.actualPort());
        System.out.flush();
    }
}
