package io.hourglass.cli;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientException;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.client.RequestBody;
import io.hourglass.http.HttpTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hourglass get}: one call with the Hourglass client, curl-style exit codes. */
@Command(name = "get",
        description = {"Sends one request and prints the response body, curl-style.",
            "",
            "With -i, the status line and headers come first. Each timeout flag bounds one phase of the exchange; "
                    + "on a timeout, the message on stderr names the phase. The exit code says what happened, with "
                    + "curl's numbers:"},
        exitCodeList = {
            "0:a complete response, whatever its status",
            "1:any other failure",
            "2:bad usage (a flag, the URL)",
            "6:unknown host",
            "7:connection refused",
            "28:timeout (the message names the phase)",
            "35:TLS failure",
            "56:failure while receiving: reset, premature end, malformed response",
            "92:the server reset the HTTP/2 stream (RST_STREAM; the message names its code)"},
        footer = {"", "Examples:",
            "  hourglass get http://127.0.0.1:8080/hello",
            "  hourglass get --timeout 1s 'http://127.0.0.1:8080/sleep?d=5s'",
            "  hourglass get -i --data hello http://127.0.0.1:8080/echo",
            "  hourglass get -i --http2-prior-knowledge http://127.0.0.1:8080/hello",
            "  hourglass get --http2 --ca-file ca.pem https://127.0.0.1:8443/hello",
            "  hourglass get --data hello --expect-continue-timeout 500ms \\",
            "      http://127.0.0.1:8080/echo"},
        mixinStandardHelpOptions = true)
final class Get implements Callable<Integer> {
    static final int TIMEOUT = 28, REFUSED = 7, RECEIVE = 56, UNKNOWN_HOST = 6, TLS = 35, HTTP2_STREAM = 92;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "http:// or https:// URL.")
    String url;

    @Option(names = "-X", paramLabel = "METHOD", description = "Method (default GET, or POST with --data).")
    String method;

    @Option(names = "--data", paramLabel = "STRING", description = "Request body; implies POST unless -X is given.")
    String data;

    @Option(names = "-H", paramLabel = "'Name: value'", description = "Request header (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Deadline on the whole exchange, body included (default 60s; 0 = none).")
    Duration timeout;

    @Option(names = "--connect-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "TCP connect (default 10s).")
    Duration connectTimeout;

    @Option(names = "--response-header-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "From the request written to the response headers (default 30s).")
    Duration responseHeaderTimeout;

    @Option(names = "--expect-continue-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "With --data: send Expect: 100-continue and the body after the 100 or this timeout.")
    Duration expectContinueTimeout;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "PEM CA certificates to trust for https.")
    java.nio.file.Path caFile;

    @Option(names = "-i", description = "Print the status line and headers before the body.")
    boolean include;

    @Mixin
    ProtocolOptions protocol = new ProtocolOptions();

    private final PrintStream out;

    Get() {
        this(System.out);
    }

    Get(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Cli.UsageException("URL: " + e.getMessage());
        }
        ClientConfig.Builder cb = ClientConfig.builder().protocols(protocol.protocols());
        if (timeout != null) cb.timeout(timeout);
        if (connectTimeout != null) cb.connectTimeout(connectTimeout);
        if (responseHeaderTimeout != null) cb.responseHeaderTimeout(responseHeaderTimeout);
        if (expectContinueTimeout != null) cb.expectContinueTimeout(expectContinueTimeout);
        if (caFile != null) {
            if (!java.nio.file.Files.isReadable(caFile)) {
                throw new Cli.UsageException("cannot read --ca-file " + caFile);
            }
            cb.trustedCaFile(caFile);
        }
        String m = method != null ? method : data != null ? "POST" : "GET";
        ClientRequest.Builder rb;
        try {
            rb = ClientRequest.builder(m, uri);
            for (String h : headers) {
                int c = h.indexOf(':');
                if (c <= 0) {
                    throw new Cli.UsageException("-H must be 'Name: value', got '" + h + "'");
                }
                rb.header(h.substring(0, c).trim(), h.substring(c + 1).trim());
            }
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        if (data != null) {
            rb.body(RequestBody.of(data));
            rb.expectContinue(expectContinueTimeout != null);
        }
        try (Client client = new Client(cb.build())) {
            return send(client, rb.build());
        }
    }

    private int send(Client client, ClientRequest req) {
        java.io.PrintWriter err = spec.commandLine().getErr();
        try (ClientResponse r = client.send(req)) {
            if (include) {
                StringBuilder sb = new StringBuilder();
                sb.append(r.version()).append(' ').append(r.status());
                if (!r.version().equals("HTTP/2")) {
                    sb.append(' ').append(r.reason()); // HTTP/2 has no reason phrase: "HTTP/2 200", as curl prints it
                }
                sb.append("\r\n");
                for (int i = 0; i < r.headers().size(); i++) {
                    sb.append(r.headers().name(i)).append(": ").append(r.headers().value(i)).append("\r\n");
                }
                sb.append("\r\n");
                out.print(sb);
            }
            copy(r.body(), out);
            out.flush();
            return Cli.OK;
        } catch (HttpTimeoutException e) {
            err.println("hourglass get: timeout (" + e.phase().label() + "): " + e.getMessage());
            return TIMEOUT;
        } catch (ClientException e) {
            err.println("hourglass get: " + e.getMessage());
            return switch (e.kind()) {
                case REFUSED -> REFUSED;
                case UNKNOWN_HOST -> UNKNOWN_HOST;
                case TLS -> TLS;
                case RESET, PREMATURE_EOF, MALFORMED -> RECEIVE;
                case STREAM_RESET -> HTTP2_STREAM;
                default -> Cli.FAILURE;
            };
        } catch (IOException e) {
            err.println("hourglass get: " + e.getMessage());
            return Cli.FAILURE;
        } finally {
            err.flush();
        }
    }

    private static void copy(InputStream in, OutputStream o) throws IOException {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            o.write(buf, 0, n);
        }
    }
}
