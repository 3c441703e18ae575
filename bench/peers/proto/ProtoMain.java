// Entry point of the I/O-core prototypes (issue 17; docs/BENCHMARKS.md "An I/O core of our own: prototypes
// measured (round 4)"): one minimal keep-alive HTTP/1.1 /hello server per candidate core, each run by
// bench/server-compare.sh as its own server name.
//
// Usage: java [flags] -cp DIR ProtoMain CORE PORT [HOST] | ProtoMain CORE --version
//   CORE: vt    a virtual thread per connection, blocking java.net.Socket (today's model, without Hourglass)
//         sel   N = cores NIO Selector loops read and parse; each complete request runs on a new virtual thread
//         sel0  the same loops, the handler run on the loop itself (NOT the blocking-handler contract)
//         epoll one edge-triggered epoll through FFM, a poller thread unparks each ready connection's
//               virtual thread (needs --enable-native-access=ALL-UNNAMED and
//               --add-opens java.base/sun.nio.ch=ALL-UNNAMED for a SocketChannel's fd)
//         epollv the same, the polling on a virtual thread woken by a platform master (JDK 25's poller design)
// Binds HOST (default 127.0.0.1) only. Prints "listening on http://HOST:PORT" once it accepts connections.
// Prototypes: no deadlines, no TLS, no limits; see ProtoHttp for the parser's scope.

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;

public final class ProtoMain {
    private ProtoMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: ProtoMain vt|sel|sel0|epoll|epollv PORT [HOST] | ProtoMain CORE --version");
            System.exit(2);
        }
        String core = args[0];
        String what = switch (core) {
            case "vt" -> "virtual thread per connection, blocking Socket";
            case "sel" -> "selector loops, handler on a virtual thread per request";
            case "sel0" -> "selector loops, handler on the loop (not our contract)";
            case "epoll" -> "edge-triggered epoll via FFM, poller unparks virtual threads";
            case "epollv" -> "edge-triggered epoll via FFM, polling on a virtual thread";
            default -> null;
        };
        if (what == null) {
            System.err.println("proto: unknown core '" + core + "' (vt, sel, sel0, epoll, epollv)");
            System.exit(2);
        }
        if (args[1].equals("--version")) {
            System.out.println("proto-" + core + " (" + what + "), java " + Runtime.version());
            return;
        }
        int port;
        try {
            port = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            System.err.println("proto: not a port: " + args[1]);
            System.exit(2);
            return;
        }
        String host = args.length == 3 ? args[2] : "127.0.0.1";
        Runnable acceptLoop;
        int bound;
        if (core.equals("vt")) {   // java.net.ServerSocket: its sockets are NioSocketImpl, as Hourglass's are
            ServerSocket ss = new ServerSocket();
            ss.bind(new InetSocketAddress(host, port), 1024);
            bound = ss.getLocalPort();
            acceptLoop = ProtoVt.acceptor(ss);
        } else {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(host, port), 1024);
            bound = ((InetSocketAddress) server.getLocalAddress()).getPort();
            acceptLoop = core.startsWith("epoll") ? ProtoEpoll.acceptor(server, core.equals("epollv"))
                    : ProtoSel.acceptor(server, core.equals("sel"));
        }
        String urlHost = host.contains(":") ? "[" + host + "]" : host;
        System.out.println("listening on http://" + urlHost + ":" + bound);
        System.out.flush();
        acceptLoop.run();   // until the process is killed
    }

    /** Closes quietly: a prototype has nobody to tell. */
    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
