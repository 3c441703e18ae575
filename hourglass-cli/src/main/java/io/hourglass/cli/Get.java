package io.hourglass.cli;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientException;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.http.HttpTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hourglass get}: one call with the Hourglass client, with curl's flags and exit codes. */
@Command(name = "get",
        description = {"Sends one request and prints the response body, with curl's flags.",
            "",
            "With -i, the status line and headers come first (of every hop, with -L); -I sends HEAD and prints "
                    + "them alone; -v shows on stderr the request and response heads, whether the connection was "
                    + "reused, and the time of each phase. Each timeout flag bounds one phase of the exchange; on "
                    + "a timeout, the message on stderr names the phase. Redirects are followed with -L only, as in "
                    + "curl (the library follows them by default). The exit code says what happened, with curl's "
                    + "numbers:"},
        exitCodeList = {
            "0:a complete response, whatever its status (without -f)",
            "1:any other failure",
            "2:bad usage (a flag, the URL)",
            "5:unknown proxy host",
            "6:unknown host",
            "7:connection refused",
            "18:the body ended before its length (partial transfer)",
            "22:with -f, a status of 400 or more",
            "23:the output file could not be written",
            "26:a --data @file could not be read",
            "28:timeout (the message names the phase)",
            "35:TLS failure (other than an untrusted certificate)",
            "47:more redirects than --max-redirs",
            "52:the server closed without a response",
            "56:failure while receiving: reset, malformed response; an HTTP proxy refused the tunnel",
            "60:the server's certificate is not trusted (unknown CA, expired, another host's)",
            "92:the server reset the HTTP/2 stream (RST_STREAM; the message names its code)",
            "97:a SOCKS5 proxy failed or refused"},
        footer = {"", "Examples:",
            "  hourglass get http://127.0.0.1:8080/hello",
            "  hourglass get -sSL -o page.html -w '%{http_code} %{time_total}\\n' \\",
            "      https://example.com/",
            "  hourglass get --timeout 1s 'http://127.0.0.1:8080/sleep?d=5s'",
            "  hourglass get -i -d @body.json -H 'Content-Type: application/json' \\",
            "      http://127.0.0.1:8080/echo",
            "  hourglass get -v -u ann:s3cret --compressed http://127.0.0.1:8080/hello",
            "  hourglass get -x http://proxy.corp:3128 -U ann:s3cret https://example.com/",
            "  hourglass get -i --http2-prior-knowledge http://127.0.0.1:8080/hello",
            "  hourglass get --http2 --ca-file ca.pem https://127.0.0.1:8443/hello"},
        mixinStandardHelpOptions = true)
final class Get implements Callable<Integer> {
    static final int TIMEOUT = 28, REFUSED = 7, RECEIVE = 56, UNKNOWN_HOST = 6, TLS = 35, PARTIAL = 18, HTTP_ERROR = 22,
            WRITE = 23, READ = 26, TOO_MANY_REDIRECTS = 47, EMPTY_REPLY = 52, UNTRUSTED = 60, PROXY_HOST = 5,
            SOCKS = 97, HTTP2_STREAM = 92;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "http:// or https:// URL.")
    String url;

    @Option(names = {"-X", "--request"}, paramLabel = "METHOD", description = "Method (default GET; POST with data; HEAD with -I).")
    String method;

    @Option(names = {"-d", "--data"}, paramLabel = "DATA", description = "Request body, as curl: @FILE reads a file "
            + "(@- stdin) without its CR and LF; repeated ones are joined with '&'; POST, form-encoded unless -H says.")
    List<String> data = new ArrayList<>();

    @Option(names = "--data-binary", paramLabel = "DATA", description = "Request body; @FILE is sent as it is.")
    List<String> dataBinary = new ArrayList<>();

    @Option(names = "--data-raw", paramLabel = "DATA", description = "Request body; a leading @ is just a character.")
    List<String> dataRaw = new ArrayList<>();

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "Request header (repeatable); "
            + "'Name:' drops an earlier -H of that name. Host replaces the URL's; Connection: close and Expect: 100-continue "
            + "are honoured, other Connection and Expect values refused.")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER:PASSWORD", description = "Basic authentication.")
    String user;

    @Option(names = {"-A", "--user-agent"}, paramLabel = "NAME", description = "User-Agent (default hourglass/0.1).")
    String userAgent;

    @Option(names = {"-L", "--location"}, description = "Follow redirects (301, 302, 303, 307, 308).")
    boolean location;

    @Option(names = "--max-redirs", paramLabel = "N", description = "With -L, the most redirects (default 50); past it exit 47.")
    int maxRedirs = 50;

    @Option(names = "--compressed", description = "Ask for gzip and decompress the body.")
    boolean compressed;

    @Option(names = {"-i", "--include"}, description = "Print the status line and headers before the body.")
    boolean include;

    @Option(names = {"-I", "--head"}, description = "Send HEAD and print the status line and headers.")
    boolean head;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the body to FILE instead of stdout.")
    Path output;

    @Option(names = {"-O", "--remote-name"}, description = "Write the body to a file named as the URL's last segment.")
    boolean remoteName;

    @Option(names = {"-s", "--silent"}, description = "No error messages (but see -S).")
    boolean silent;

    @Option(names = {"-S", "--show-error"}, description = "With -s, still print an error.")
    boolean showError;

    @Option(names = {"-v", "--verbose"}, description = "Heads, connection reuse and phase timings on stderr.")
    boolean verbose;

    @Option(names = {"-f", "--fail"}, description = "On a status of 400 or more, print no body and exit 22.")
    boolean fail;

    @Option(names = "--fail-with-body", description = "As -f, but print the body.")
    boolean failWithBody;

    @Option(names = {"-w", "--write-out"}, paramLabel = "FORMAT", description = "Print FORMAT after the transfer, "
            + "with curl's variables: %%{http_code} %%{time_total} %%{time_connect} %%{time_starttransfer} "
            + "%%{size_download} %%{num_redirects} %%{url_effective} ... (@FILE reads it).")
    String writeOut;

    @Option(names = {"-k", "--insecure"}, description = "Trust any server certificate and host name.")
    boolean insecure;

    @Option(names = {"--ca-file", "--cacert"}, paramLabel = "FILE", description = "PEM CA certificates to trust for "
            + "https, in addition to the JDK's.")
    Path caFile;

    @Option(names = {"-E", "--cert"}, paramLabel = "FILE", description = "PEM client certificate (with --key).")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM private key of --cert.")
    Path key;

    @Option(names = {"-x", "--proxy"}, paramLabel = "URL", description = "Proxy for every URL: "
            + "[http://|socks5://|socks5h://][USER:PASSWORD@]HOST[:PORT] (http's port is 80 unless given). Without "
            + "it, HTTP_PROXY, HTTPS_PROXY and NO_PROXY are honoured, as curl and Go do (loopback never proxied).")
    String proxy;

    @Option(names = {"-U", "--proxy-user"}, paramLabel = "USER:PASSWORD", description = "The proxy's credentials "
            + "(Basic; SOCKS5's user and password).")
    String proxyUser;

    @Option(names = "--noproxy", paramLabel = "LIST", description = "Hosts that skip the proxy: comma-separated "
            + "names (with their subdomains), addresses, CIDR blocks; * for all. Overrides NO_PROXY.")
    String noProxy;

    @Option(names = "--http1.1", description = "HTTP/1.1 (the default).")
    boolean http11;

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Deadline on the whole exchange, redirects and body included (default 60s; 0 = none).")
    Duration timeout;

    @Option(names = {"-m", "--max-time"}, paramLabel = "SECONDS", converter = CurlDurationConverter.class,
            description = "curl's name for --timeout: seconds (2.5) or a duration (2500ms).")
    Duration maxTime;

    @Option(names = "--connect-timeout", paramLabel = "DUR", converter = CurlDurationConverter.class,
            description = "TCP connect (default 10s); a plain number is seconds.")
    Duration connectTimeout;

    @Option(names = "--response-header-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "From the request written to the response headers (default 30s).")
    Duration responseHeaderTimeout;

    @Option(names = "--expect-continue-timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "With data: send Expect: 100-continue and the body after the 100 or this timeout.")
    Duration expectContinueTimeout;

    @Mixin
    ProtocolOptions protocol = new ProtocolOptions();

    private final PrintStream out;

    Get() {
        this(System.out);
    }

    Get(PrintStream out) {
        this.out = out;
    }

    /** A failure found before the call, with its exit code. */
    static final class Stop extends Exception {
        final int code;

        Stop(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        GetTrace trace = new GetTrace(verbose ? err : null);
        ClientRequest req;
        ClientConfig cfg;
        try {
            req = GetRequest.build(this);
            cfg = config(trace);
        } catch (Stop s) {
            return report(s.code, s.getMessage(), err);
        }
        try (Client client = new Client(cfg)) {
            return send(client, req, trace, err);
        }
    }

    private ClientConfig config(GetTrace trace) throws Stop {
        ClientConfig.Builder cb = ClientConfig.builder().listener(trace).addNetworkInterceptor(trace)
                .followRedirects(location).maxRedirects(Math.max(0, maxRedirs)).transparentGzip(compressed)
                .protocols(protocol.protocols());
        if (timeout != null && maxTime != null) {
            throw new Cli.UsageException("--timeout and --max-time are the same setting: give one");
        }
        if (timeout != null || maxTime != null) cb.timeout(timeout != null ? timeout : maxTime);
        if (connectTimeout != null) cb.connectTimeout(connectTimeout);
        if (responseHeaderTimeout != null) cb.responseHeaderTimeout(responseHeaderTimeout);
        if (expectContinueTimeout != null) cb.expectContinueTimeout(expectContinueTimeout);
        if (userAgent != null) cb.userAgent(userAgent);
        if (caFile != null) {
            if (!Files.isReadable(caFile)) {
                throw new Cli.UsageException("cannot read --ca-file " + caFile);
            }
            cb.trustedCaFile(caFile);
        }
        if ((cert == null) != (key == null)) {
            throw new Cli.UsageException(cert == null ? "--key needs --cert" : "--cert needs --key");
        }
        if (cert != null) {
            cb.clientCertificate(cert, key);
        }
        if (insecure) {
            cb.sslContext(Insecure.context());
        }
        proxy(cb);
        return cb.build();
    }

    /** -x, -U and --noproxy; without -x the environment's proxies, as curl. */
    private void proxy(ClientConfig.Builder cb) {
        String p = proxy;
        if (p == null && (proxyUser != null || noProxy != null)) {
            String fromEnv = System.getenv(url.regionMatches(true, 0, "https:", 0, 6) ? "HTTPS_PROXY" : "HTTP_PROXY");
            p = fromEnv == null || fromEnv.isBlank()
                    ? System.getenv(url.regionMatches(true, 0, "https:", 0, 6) ? "https_proxy" : "http_proxy") : fromEnv;
        }
        try {
            if (p == null || p.isBlank()) {
                cb.proxyFromEnvironment();
                return;
            }
            if (proxyUser != null) {
                int colon = proxyUser.indexOf(':');
                String user = colon < 0 ? proxyUser : proxyUser.substring(0, colon);
                String pw = colon < 0 ? "" : proxyUser.substring(colon + 1);
                int scheme = p.indexOf("://");
                String rest = scheme < 0 ? p : p.substring(scheme + 3);
                rest = rest.substring(rest.indexOf('@') + 1); // -U replaces the URL's own credentials
                p = (scheme < 0 ? "http" : p.substring(0, scheme)) + "://" + enc(user) + ":" + enc(pw) + "@" + rest;
            }
            cb.proxy(p, noProxy);
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private int send(Client client, ClientRequest req, GetTrace trace, PrintWriter err) {
        boolean inBody = false;
        long bytes = 0;
        String contentType = null;
        String redirectUrl = null;
        int code;
        String error = null;
        try (ClientResponse r = client.send(req)) {
            contentType = r.header("Content-Type");
            redirectUrl = r.status() / 100 == 3 ? r.header("Location") : null;
            if ((fail || failWithBody) && r.status() >= 400) {
                code = HTTP_ERROR;
                error = "The requested URL returned error: " + r.status();
                if (failWithBody) {
                    bytes = writeBody(r, trace);
                }
            } else {
                inBody = true;
                bytes = writeBody(r, trace);
                code = Cli.OK;
            }
        } catch (OutputFailure e) {
            code = WRITE;
            error = e.getMessage();
        } catch (HttpTimeoutException e) {
            code = TIMEOUT;
            error = "timeout (" + e.phase().label() + "): " + e.getMessage();
        } catch (ClientException e) {
            code = exitCode(e, inBody);
            error = e.getMessage();
        } catch (IOException e) {
            code = Cli.FAILURE;
            error = e.getMessage();
        }
        trace.end(bytes);
        if (writeOut != null) {
            WriteOut.write(writeOut, trace, new WriteOut.Outcome(code, error, contentType, redirectUrl, req.uri(),
                    req.method()), out, err);
        }
        return report(code, error, err);
    }

    private int report(int code, String error, PrintWriter err) {
        if (error != null && (!silent || showError)) {
            err.println("hourglass get: " + error);
            err.flush();
        }
        return code;
    }

    /** curl's exit code for a failed call; a premature end within the body is a partial transfer (18). */
    static int exitCode(ClientException e, boolean inBody) {
        return switch (e.kind()) {
            case REFUSED -> REFUSED;
            case UNKNOWN_HOST -> e.getMessage().contains(": proxy ") ? PROXY_HOST : UNKNOWN_HOST;
            case PROXY -> e.getMessage().contains("SOCKS5") ? SOCKS : RECEIVE;
            case TLS -> untrustedCertificate(e) ? UNTRUSTED : TLS;
            case PREMATURE_EOF -> inBody ? PARTIAL : EMPTY_REPLY;
            case RESET, MALFORMED -> RECEIVE;
            case STREAM_RESET -> HTTP2_STREAM;
            case TOO_MANY_REDIRECTS -> TOO_MANY_REDIRECTS;
            default -> Cli.FAILURE;
        };
    }

    /** Whether the JDK refused the server's certificate (path, validity or name), curl's 60. */
    static boolean untrustedCertificate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t.getClass().getName().equals("sun.security.validator.ValidatorException")) {
                return true;
            }
        }
        return false;
    }

    /** The body could not be written where it goes (-o, -O, a closed stdout). */
    static final class OutputFailure extends IOException {
        OutputFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Prints the heads (-i, -I) and copies the body to its destination; returns the body's bytes. */
    private long writeBody(ClientResponse r, GetTrace trace) throws IOException {
        if (include || head) {
            for (String h : trace.heads) {
                out.print(h);
            }
            out.flush();
        }
        if (head && !include && !r.request().method().equals("HEAD")) {
            return 0; // -I with -X GET: the heads alone, as curl
        }
        Path file = output != null ? output : remoteName ? remoteFile(r) : null;
        OutputStream dest;
        try {
            dest = file == null ? out : Files.newOutputStream(file);
        } catch (IOException e) {
            throw new OutputFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
        try {
            return copy(r.body(), dest);
        } finally {
            if (file != null) {
                try {
                    dest.close();
                } catch (IOException e) {
                    throw new OutputFailure("cannot write " + file + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private Path remoteFile(ClientResponse r) throws OutputFailure {
        String path = r.request().uri().getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new OutputFailure("-O: the URL has no file name at its end (use -o FILE)", null);
        }
        return Path.of(name);
    }

    /** Copies in 64 KiB steps; a failed write is an {@link OutputFailure}, a failed read the call's error. */
    private static long copy(InputStream in, OutputStream o) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            try {
                o.write(buf, 0, n);
            } catch (IOException e) {
                throw new OutputFailure("cannot write the body: " + e.getMessage(), e);
            }
            total += n;
        }
        try {
            o.flush();
        } catch (IOException e) {
            throw new OutputFailure("cannot write the body: " + e.getMessage(), e);
        }
        if (o instanceof PrintStream p && p.checkError()) {
            throw new OutputFailure("cannot write the body to the standard output", null); // PrintStream keeps it quiet
        }
        return total;
    }

    /** "user:password" as a Basic Authorization value (RFC 7617). */
    static String basic(String userPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    }
}
