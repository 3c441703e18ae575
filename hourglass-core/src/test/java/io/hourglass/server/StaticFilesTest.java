package io.hourglass.server;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StaticFiles over a real socket: validators, conditionals, ranges, HEAD, index, traversal, links, big files. */
class StaticFilesTest {
    @TempDir
    Path dir;
    Path root;
    Server server;
    static final String TEXT = "0123456789abcdefghijklmnopqrstuvwxyz";
    static final Instant MODIFIED = Instant.parse("2026-01-02T03:04:05Z");

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        write(root.resolve("a.txt"), TEXT);
        write(root.resolve("page.html"), "<p>hi</p>");
        write(root.resolve("noext"), "plain words");
        Files.write(root.resolve("blob"), new byte[] {0, 1, 2, 3, (byte) 0xff});
        Files.createDirectories(root.resolve("docs"));
        write(root.resolve("docs/index.html"), "<h1>docs</h1>");
        Files.createDirectories(root.resolve("empty"));
        write(dir.resolve("secret.txt"), "outside the root");
    }

    static void write(Path p, String s) throws IOException {
        Files.writeString(p, s);
        Files.setLastModifiedTime(p, FileTime.from(MODIFIED));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    void serve(StaticFiles files) throws IOException {
        serve(new Router().get("/static/", files).get("/one", StaticFiles.of(root.resolve("a.txt"))),
                ServerConfig.builder().port(0).build());
    }

    void serve(Handler h, ServerConfig cfg) throws IOException {
        server = Server.start(cfg, h);
    }

    RawPeer.Response get(String target, String... headers) throws IOException {
        return call("GET", target, headers);
    }

    RawPeer.Response call(String method, String target, String... headers) throws IOException {
        try (RawPeer.Connection c = RawPeer.connect(server.port())) {
            StringBuilder b = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: a\r\n");
            for (String h : headers) {
                b.append(h).append("\r\n");
            }
            c.send(b.append("\r\n").toString());
            if (method.equals("HEAD")) {
                return headOnly(c);
            }
            return c.readResponse();
        }
    }

    static RawPeer.Response headOnly(RawPeer.Connection c) throws IOException {
        String status = c.line();
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
        String l;
        while (!(l = c.line()).isEmpty()) {
            int colon = l.indexOf(':');
            h.put(l.substring(0, colon).toLowerCase(), l.substring(colon + 1).trim());
        }
        return new RawPeer.Response(Integer.parseInt(status.split(" ")[1]), h, "", true);
    }

    @Test
    void aFileComesWithTypeLengthValidatorsAndAcceptRanges() throws Exception {
        serve(StaticFiles.of(root));
        RawPeer.Response r = get("/static/a.txt");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TEXT);
        assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.header("content-length")).isEqualTo("36");
        assertThat(r.header("last-modified")).isEqualTo("Fri, 02 Jan 2026 03:04:05 GMT");
        assertThat(r.header("etag")).matches("\"24-[0-9a-f]+\"");
        assertThat(r.header("accept-ranges")).isEqualTo("bytes");
        assertThat(get("/static/page.html").header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(get("/static/noext").header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(get("/static/blob").header("content-type")).isEqualTo("application/octet-stream");
        assertThat(get("/one").body()).isEqualTo(TEXT); // a single file, whatever the path
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        serve(StaticFiles.of(root));
        RawPeer.Response r = call("HEAD", "/static/a.txt");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("36");
        assertThat(r.header("etag")).isEqualTo(get("/static/a.txt").header("etag"));
        try (RawPeer.Connection c = RawPeer.connect(server.port())) { // nothing follows the head: the next response is next
            c.send("HEAD /static/a.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /static/page.html HTTP/1.1\r\nHost: a\r\n\r\n");
            headOnly(c);
            assertThat(c.readResponse().body()).isEqualTo("<p>hi</p>");
        }
    }

    @Test
    void conditionalRequestsGet304Or412InTheOrderOfRfc9110() throws Exception {
        serve(StaticFiles.of(root));
        String etag = get("/static/a.txt").header("etag");
        RawPeer.Response nm = get("/static/a.txt", "If-None-Match: \"x\", " + etag);
        assertThat(nm.status()).isEqualTo(304);
        assertThat(nm.header("etag")).isEqualTo(etag);
        assertThat(nm.header("content-length")).isNull();
        assertThat(nm.body()).isEmpty();
        assertThat(get("/static/a.txt", "If-None-Match: W/" + etag).status()).isEqualTo(304); // weak comparison
        assertThat(get("/static/a.txt", "If-None-Match: *").status()).isEqualTo(304);
        assertThat(get("/static/a.txt", "If-None-Match: \"other\"").status()).isEqualTo(200);
        assertThat(get("/static/a.txt", "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT").status()).isEqualTo(304);
        assertThat(get("/static/a.txt", "If-Modified-Since: Fri, 02 Jan 2026 03:04:04 GMT").status()).isEqualTo(200);
        assertThat(get("/static/a.txt", "If-Modified-Since: not a date").status()).isEqualTo(200);
        // If-None-Match wins over If-Modified-Since (section 13.2.2 step 3 before 4)
        assertThat(get("/static/a.txt", "If-None-Match: \"other\"",
                "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT").status()).isEqualTo(200);
        assertThat(get("/static/a.txt", "If-Match: " + etag).status()).isEqualTo(200);
        assertThat(get("/static/a.txt", "If-Match: W/" + etag).status()).isEqualTo(412); // strong comparison
        assertThat(get("/static/a.txt", "If-Match: \"other\"").status()).isEqualTo(412);
        assertThat(get("/static/a.txt", "If-Unmodified-Since: Thu, 01 Jan 2026 00:00:00 GMT").status()).isEqualTo(412);
        assertThat(get("/static/a.txt", "If-Unmodified-Since: Sat, 03 Jan 2026 00:00:00 GMT").status()).isEqualTo(200);
        // If-Match wins over If-Unmodified-Since (step 1 before 2)
        assertThat(get("/static/a.txt", "If-Match: " + etag,
                "If-Unmodified-Since: Thu, 01 Jan 2026 00:00:00 GMT").status()).isEqualTo(200);
    }

    @Test
    void rangesGet206WithContentRangeMultipartOr416() throws Exception {
        serve(StaticFiles.of(root));
        RawPeer.Response one = get("/static/a.txt", "Range: bytes=10-15");
        assertThat(one.status()).isEqualTo(206);
        assertThat(one.body()).isEqualTo("abcdef");
        assertThat(one.header("content-range")).isEqualTo("bytes 10-15/36");
        assertThat(one.header("content-length")).isEqualTo("6");
        assertThat(get("/static/a.txt", "Range: bytes=-3").body()).isEqualTo("xyz");

        RawPeer.Response multi = get("/static/a.txt", "Range: bytes=0-1,-2");
        assertThat(multi.status()).isEqualTo(206);
        String type = multi.header("content-type");
        assertThat(type).startsWith("multipart/byteranges; boundary=");
        String b = type.substring(type.indexOf('=') + 1);
        assertThat(multi.body()).isEqualTo("--" + b + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Range: bytes 0-1/36\r\n\r\n01\r\n--" + b + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Range: bytes 34-35/36\r\n\r\nyz\r\n--" + b + "--\r\n");

        RawPeer.Response bad = get("/static/a.txt", "Range: bytes=36-");
        assertThat(bad.status()).isEqualTo(416);
        assertThat(bad.header("content-range")).isEqualTo("bytes */36");
        assertThat(get("/static/a.txt", "Range: bytes=9-3").status()).isEqualTo(200); // invalid: ignored
        assertThat(get("/static/a.txt", "Range: lines=1-2").status()).isEqualTo(200); // unknown unit
        assertThat(call("HEAD", "/static/a.txt", "Range: bytes=0-1").status()).isEqualTo(200); // GET only
    }

    @Test
    void ifRangeServesTheRangeOnlyForTheSameRepresentation() throws Exception {
        serve(StaticFiles.of(root));
        String etag = get("/static/a.txt").header("etag");
        assertThat(get("/static/a.txt", "Range: bytes=0-1", "If-Range: " + etag).status()).isEqualTo(206);
        assertThat(get("/static/a.txt", "Range: bytes=0-1", "If-Range: \"old\"").status()).isEqualTo(200);
        assertThat(get("/static/a.txt", "Range: bytes=0-1", "If-Range: W/" + etag).status()).isEqualTo(200);
        assertThat(get("/static/a.txt", "Range: bytes=0-1", "If-Range: Fri, 02 Jan 2026 03:04:05 GMT").status())
                .isEqualTo(206);
        assertThat(get("/static/a.txt", "Range: bytes=0-1", "If-Range: Fri, 02 Jan 2026 03:04:06 GMT").status())
                .isEqualTo(200);
    }

    @Test
    void directoriesRedirectToTheirSlashAndAnswerWithTheirIndexOnly() throws Exception {
        serve(StaticFiles.of(root));
        RawPeer.Response r = get("/static/docs?x=1");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("location")).isEqualTo("/static/docs/?x=1");
        assertThat(get("/static/docs/").body()).isEqualTo("<h1>docs</h1>");
        assertThat(get("/static/empty/").status()).isEqualTo(404); // no listing
        assertThat(get("/static/a.txt/").header("location")).isEqualTo("/static/a.txt");
        assertThat(get("/static/nope.txt").status()).isEqualTo(404);
        assertThat(get("/static/a.txt/x").status()).isEqualTo(404);
        assertThat(call("POST", "/static/a.txt").status()).isEqualTo(405); // the router's: GET route only
    }

    @Test
    void noPathLeavesTheRootHoweverItIsSpelled() throws Exception {
        serve(StaticFiles.of(root));
        for (String t : new String[] {"/static/%2e%2e/secret.txt", "/static/%2E%2E/secret.txt",
                "/static/docs/%2e%2e/%2e%2e/secret.txt", "/static/..%2fsecret.txt", "/static/docs%2f..%2f..%2fsecret.txt",
                "/static/a.txt%00", "/static/%zz"}) {
            RawPeer.Response r = get(t);
            assertThat(r.status()).as(t).isEqualTo(400);
            assertThat(r.body()).as(t).doesNotContain("outside");
        }
        // Literal dot segments are cleaned by the router first: they never reach the files.
        RawPeer.Response cleaned = get("/static/../secret.txt");
        assertThat(cleaned.status()).isEqualTo(301);
        assertThat(cleaned.header("location")).isEqualTo("/secret.txt");
    }

    @Test
    void symbolicLinksOutOfTheRootAreRefusedUnlessAllowed() throws Exception {
        Files.createSymbolicLink(root.resolve("out.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), dir);
        Files.createSymbolicLink(root.resolve("in.txt"), root.resolve("a.txt"));
        serve(StaticFiles.of(root));
        assertThat(get("/static/out.txt").status()).isEqualTo(404);
        assertThat(get("/static/outdir/secret.txt").status()).isEqualTo(404);
        assertThat(get("/static/in.txt").body()).isEqualTo(TEXT); // a link that stays inside is fine
        server.shutdown();
        serve(StaticFiles.of(root).followSymlinks(true));
        assertThat(get("/static/out.txt").body()).isEqualTo("outside the root");
    }

    @Test
    void badRootsAndOptionsAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> StaticFiles.of(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file or directory");
        assertThatThrownBy(() -> StaticFiles.of(root).index("../x")).hasMessageContaining("bad index file name");
        assertThatThrownBy(() -> StaticFiles.of(root).minResponseRate(-1, Duration.ZERO)).hasMessageContaining("negative");
    }

    @Test
    void aLargeFileIsStreamedWithoutBeingLoadedIntoMemory() throws Exception {
        long size = 256L << 20; // sparse: no disk used
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(size);
        }
        serve(StaticFiles.of(root));
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write("GET /static/big.bin HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long before = mx.getTotalThreadAllocatedBytes();
            long total = 0;
            for (int n; total < size && (n = in.read(buf)) > 0; ) {
                total += n;
            }
            long allocated = mx.getTotalThreadAllocatedBytes() - before;
            assertThat(total).isGreaterThan(size); // the head and the whole body
            assertThat(allocated).as("bytes allocated while sending %d", size).isLessThan(16L << 20);
        }
    }

    @Test
    void aClientReadingSlowerThanTheMinimumRateIsResetAtTheRatesDeadline() throws Exception {
        long size = 64L << 20;
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(size);
        }
        long rate = 20L << 20; // 20 MiB/s: the buffers fill within the grace, then the deadline passes soon
        Duration grace = Duration.ofMillis(200);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Handler files = StaticFiles.of(root).minResponseRate(rate, grace);
        serve((req, res) -> {
            try {
                files.handle(req, res);
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
                throw t;
            }
        }, ServerConfig.builder().port(0).writeTimeout(Duration.ofSeconds(30)).build());
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Throwable t = failure.get(10, TimeUnit.SECONDS); // the client reads nothing
            assertThat(t).isInstanceOf(HttpTimeoutException.class).hasMessageContaining("minimum response rate");
            HttpTimeoutException te = (HttpTimeoutException) t;
            assertThat(te.phase()).isEqualTo(Phase.WRITE);
            assertThat(te.elapsed()).isGreaterThanOrEqualTo(te.limit()); // never before the rate's deadline
            assertThat(te.elapsed()).isLessThan(te.limit().plusMillis(300)); // and soon after it
            assertThat(te.limit()).isGreaterThanOrEqualTo(grace);
        }
        // counted when the server is done with the connection, just after the handler
        Await.until("the server closes the connection", () -> server.openConnections() == 0);
        assertThat(server.timeouts(Phase.WRITE)).isEqualTo(1);
        assertThat(server.recorder().limits(ServerMetrics.Limit.SLOW_READER)).isEqualTo(1); // a client that does not read
    }
}
