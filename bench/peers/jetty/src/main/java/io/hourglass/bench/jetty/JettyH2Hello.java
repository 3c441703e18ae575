package io.hourglass.bench.jetty;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Benchmark peer for bench/h2-compare.sh: Jetty 12 core answering {@code GET /hello} with {@code hello\n} over
 * HTTP/2, with JettyHello's handler.
 *
 * <p>Usage: {@code java -cp jetty-hello.jar io.hourglass.bench.jetty.JettyH2Hello PORT HOST h2c} (cleartext,
 * prior knowledge) or {@code ... PORT HOST h2 KEYSTORE.p12 PASSWORD} (TLS, ALPN h2 only). Prints
 * {@code listening on http(s)://HOST:PORT} once it accepts connections. Jetty's HTTP/2 defaults otherwise.
 */
public final class JettyH2Hello {
    private JettyH2Hello() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--version")) {
            System.out.println("jetty " + Jetty.VERSION);
            return;
        }
        boolean tls = args.length == 5 && args[2].equals("h2");
        if (!tls && !(args.length == 3 && args[2].equals("h2c"))) {
            System.err.println("usage: JettyH2Hello PORT HOST h2c | JettyH2Hello PORT HOST h2 KEYSTORE.p12 PASSWORD");
            System.exit(2);
        }
        Server server = new Server(new QueuedThreadPool());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector;
        if (tls) {
            http.addCustomizer(new SecureRequestCustomizer(false)); // no SNI host check: clients connect by IP
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(args[3]);
            ssl.setKeyStorePassword(args[4]);
            ssl.setKeyStoreType("PKCS12");
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2");
            alpn.setDefaultProtocol("h2");
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn,
                    new HTTP2ServerConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HTTP2CServerConnectionFactory(http));
        }
        connector.setHost(args[1]);
        connector.setPort(Integer.parseInt(args[0]));
        connector.setIdleTimeout(60_000);
        server.addConnector(connector);
        server.setHandler(new JettyHello.HelloHandler(false));
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("listening on " + (tls ? "https" : "http") + "://" + args[1] + ":" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
