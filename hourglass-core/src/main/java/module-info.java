/**
 * Hourglass: an HTTP/1.1 server and client on virtual threads, with Go net/http's complete timeout model.
 *
 * <p>The API is five packages: {@link io.hourglass.server} (the server, its settings, handlers and routing),
 * {@link io.hourglass.client} (the client and its calls), {@link io.hourglass.http} (what both sides share:
 * headers, the timeout exception and its phases), {@link io.hourglass.net} (a socket with Go-style deadlines)
 * and {@link io.hourglass.observe} (metrics in the Prometheus text format). Everything under
 * {@code io.hourglass.internal} may change in any release; two of those packages are exported to the
 * {@code hourglass} command line only.
 */
@SuppressWarnings("module") // the qualified exports name io.hourglass.cli, which is built after this module
module io.hourglass {
    requires java.logging; // Server logs handler failures and accept errors through java.util.logging

    exports io.hourglass.client;
    exports io.hourglass.http;
    exports io.hourglass.net;
    exports io.hourglass.observe;
    exports io.hourglass.server;

    // Not API: Go's duration syntax and the /proc/net/tcp reader, which the CLI's flags, serve, tcpstat and
    // lab use. docs/design.md lists the public types; PublicApiTest fails when this file or they change.
    exports io.hourglass.internal.text to io.hourglass.cli;
    exports io.hourglass.internal.tcp to io.hourglass.cli;
}
