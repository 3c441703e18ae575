package io.hourglass.bench.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Benchmark peer: plain Jetty 12 core (no servlets) answering {@code GET /hello} with {@code hello\n}.
 *
 * <p>Usage: {@code java -jar jetty-hello.jar PORT [HOST [DIR]]} (port 0 picks a free port; HOST, the address
 * to listen on, defaults to 127.0.0.1; DIR, for the static-file benchmark, is served by Jetty's own
 * ResourceHandler with its defaults for every other path) or {@code --version}. Prints
 * {@code listening on http://HOST:PORT} once it accepts connections, like {@code hourglass serve}.
 */
public final class JettyHello {
    private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.US_ASCII);

    private JettyHello() {}

    /** 200 {@code hello\n} for GET /hello; anything else 404, or left to the next handler when there is one. */
    static final class HelloHandler extends Handler.Abstract.NonBlocking {
        private final boolean passOthers;

        HelloHandler(boolean passOthers) {
            this.passOthers = passOthers;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!HttpMethod.GET.is(request.getMethod()) || !"/hello".equals(Request.getPathInContext(request))) {
                if (passOthers) {
                    return false;
                }
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
            response.write(true, ByteBuffer.wrap(BODY), callback);
            return true;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("jetty " + Jetty.VERSION);
            return;
        }
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: jetty-hello PORT [HOST [DIR]]   (port 0 picks a free port; HOST defaults to"
                    + " 127.0.0.1; DIR: static files)");
            System.exit(2);
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            System.err.println("jetty-hello: not a port: " + args[0]);
            System.exit(2);
            return;
        }
        String host = args.length >= 2 ? args[1] : "127.0.0.1";
        String urlHost = host.contains(":") ? "[" + host + "]" : host;  // an IPv6 literal in a URL

        Server server = new Server(new QueuedThreadPool());  // Jetty's defaults: 8..200 threads
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);  // Go's net/http sends no Server header either
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(60_000);  // keep-alive idle limit, as Go's IdleTimeout 60s
        server.addConnector(connector);
        if (args.length == 3) {
            ResourceHandler files = new ResourceHandler();
            files.setBaseResource(ResourceFactory.of(server).newResource(java.nio.file.Path.of(args[2])));
            files.setDirAllowed(false);
            server.setHandler(new Handler.Sequence(new HelloHandler(true), files));
        } else {
            server.setHandler(new HelloHandler(false));
        }
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("listening on http://" + urlHost + ":" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
