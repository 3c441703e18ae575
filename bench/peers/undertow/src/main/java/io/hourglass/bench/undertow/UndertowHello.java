package io.hourglass.bench.undertow;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.Version;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark peer: Undertow 2.3 core (no servlets), one {@code HttpHandler} answering {@code GET /hello} with
 * {@code hello\n} on the I/O thread, 404 for anything else.
 *
 * <p>Usage: {@code java -jar undertow-hello.jar PORT [HOST]} (port 0 picks a free port; HOST, the address to
 * listen on, defaults to 127.0.0.1) or {@code --version}. Prints {@code listening on http://HOST:PORT} once it
 * accepts connections, like {@code hourglass serve}.
 */
public final class UndertowHello {
    private static final ByteBuffer BODY =
            ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private UndertowHello() {}

    /** 200 {@code hello\n} for GET /hello, 404 for anything else. */
    static final class HelloHandler implements HttpHandler {
        @Override
        public void handleRequest(HttpServerExchange exchange) {
            if (!Methods.GET.equals(exchange.getRequestMethod()) || !"/hello".equals(exchange.getRequestPath())) {
                exchange.setStatusCode(StatusCodes.NOT_FOUND);
                exchange.endExchange();
                return;
            }
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send(BODY.duplicate()); // sets Content-Length, ends the exchange
        }
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("undertow " + Version.getVersionString());
            return;
        }
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: undertow-hello PORT [HOST]   (port 0 picks a free port; HOST defaults to 127.0.0.1)");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("undertow-hello: not a port: " + args[0]);
            System.exit(2);
            return;
        }
        String host = args.length == 2 ? args[1] : "127.0.0.1";
        String urlHost = host.contains(":") ? "[" + host + "]" : host;  // an IPv6 literal in a URL

        Undertow server = Undertow.builder()   // default threads: I/O = cores (at least 2), workers = 8 x I/O
                .addHttpListener(port, host)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000) // keep-alive idle limit, ms
                .setHandler(new HelloHandler())
                .build();
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        System.out.println("listening on http://" + urlHost + ":" + address.getPort());
        System.out.flush();
    }
}
