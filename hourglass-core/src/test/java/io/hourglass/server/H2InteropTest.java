package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.StaticFilesCurlTest.Tools;
import io.hourglass.testing.TestCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with HTTP/2 clients no one here wrote: curl (prior knowledge on the cleartext port, ALPN over TLS),
 * nghttp (Debian nghttp2-client), Go's net/http client over TLS (Debian golang-go), and the JDK's HttpClient
 * over TLS. Each tool is installed with apt when missing (as root), else the test fails naming the package.
 * The same demo routes answer the same over every protocol, HTTP/1.1 included.
 */
class H2InteropTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Path key;
    static Server plain;
    static Server tls;

    static final Handler DEMO = new Router()
            .get("/hello", (req, res) -> res.send("hello\n"))
            .get("/proto", (req, res) -> res.send(req.protocol() + "\n"))
            .post("/echo", (req, res) -> {
                res.header("Content-Type", "application/octet-stream");
                req.body().transferTo(res.body());
            })
            .get("/bytes", (req, res) -> {
                int n = Integer.parseInt(req.queryParam("n"));
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) ('a' + i % 26);
                }
                res.send(b);
            });

    @BeforeAll
    static void start() throws Exception {
        cert = TestCertificate.localhost().certificateFile();
        key = TestCertificate.localhost().keyFile();
        ServerConfig.Builder b = ServerConfig.builder().port(0).shutdownTimeout(Duration.ofSeconds(2));
        plain = Server.start(b.build(), DEMO);
        tls = Server.start(b.tls(cert, key).build(), DEMO);
    }

    @AfterAll
    static void stop() {
        if (plain != null) plain.shutdown();
        if (tls != null) tls.shutdown();
    }

    record Out(int exit, String text) {}

    static Out run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        return new Out(p.exitValue(), text);
    }

    static Out curl(String... args) throws Exception {
        Tools.require("curl", "curl");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Out o = run(cmd);
        assertThat(o.exit()).as("curl %s: %s", List.of(args), o.text()).isZero();
        return o;
    }

    @Test
    void curlPriorKnowledgeOnTheCleartextPort() throws Exception {
        Out o = curl("--http2-prior-knowledge", "-w", "|%{http_version} %{http_code}", plain.url() + "/proto");
        assertThat(o.text()).isEqualTo("h2c\n|2 200");
    }

    @Test
    void curlHttp11OnTheSamePort() throws Exception {
        Out o = curl("--http1.1", "-w", "|%{http_version} %{http_code}", plain.url() + "/proto");
        assertThat(o.text()).isEqualTo("http/1.1\n|1.1 200");
    }

    @Test
    void curlAlpnOverTls() throws Exception {
        Out o = curl("--http2", "--cacert", cert.toString(), "-w", "|%{http_version} %{http_code}", tls.url() + "/proto");
        assertThat(o.text()).isEqualTo("h2\n|2 200");
        Out h1 = curl("--http1.1", "--cacert", cert.toString(), "-w", "|%{http_version}", tls.url() + "/proto");
        assertThat(h1.text()).isEqualTo("http/1.1\n|1.1");
    }

    @Test
    void curlPostsABodyAndReadsALargeResponse() throws Exception {
        Path body = dir.resolve("body.bin");
        byte[] data = new byte[3_000_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        Files.write(body, data);
        Path got = dir.resolve("got.bin");
        curl("--http2-prior-knowledge", "--data-binary", "@" + body, "-o", got.toString(), plain.url() + "/echo");
        assertThat(Files.readAllBytes(got)).isEqualTo(data);
        Path big = dir.resolve("big.bin");
        curl("--http2", "--cacert", cert.toString(), "-o", big.toString(), tls.url() + "/bytes?n=5000000");
        assertThat(Files.size(big)).isEqualTo(5_000_000);
    }

    @Test
    void nghttpFetchesManyStreamsOnOneConnection() throws Exception {
        Tools.require("nghttp", "nghttp2-client");
        List<String> cmd = new ArrayList<>(List.of("nghttp", "-n", "-s", "-m", "20"));
        cmd.add(plain.url() + "/hello");
        Out o = run(cmd);
        assertThat(o.exit()).as(o.text()).isZero();
        assertThat(o.text()).contains("200").doesNotContain("ERROR");
        Out v = run(List.of("nghttp", "-v", "-y", tls.url() + "/bytes?n=100000"));
        assertThat(v.exit()).as(v.text()).isZero();
        assertThat(v.text()).contains(":status: 200").contains("recv SETTINGS frame").contains("END_STREAM");
    }

    @Test
    void goClientOverTls() throws Exception {
        Tools.require("go", "golang-go");
        Path src = dir.resolve("client.go");
        Files.writeString(src, """
                package main

                import (
                	"bytes"
                	"crypto/tls"
                	"fmt"
                	"io"
                	"net/http"
                	"os"
                	"sync"
                )

                func main() {
                	base := os.Args[1]
                	c := &http.Client{Transport: &http.Transport{ForceAttemptHTTP2: true,
                		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
                	var wg sync.WaitGroup
                	errs := make(chan string, 64)
                	for i := 0; i < 32; i++ {
                		wg.Add(1)
                		go func() {
                			defer wg.Done()
                			r, err := c.Get(base + "/hello")
                			if err != nil { errs <- err.Error(); return }
                			b, _ := io.ReadAll(r.Body)
                			r.Body.Close()
                			if r.Proto != "HTTP/2.0" || string(b) != "hello\\n" { errs <- r.Proto + " " + string(b) }
                		}()
                	}
                	wg.Wait()
                	close(errs)
                	for e := range errs { fmt.Println("ERROR", e) }
                	body := bytes.Repeat([]byte("x"), 1<<20)
                	r, err := c.Post(base+"/echo", "application/octet-stream", bytes.NewReader(body))
                	if err != nil { fmt.Println("ERROR", err); return }
                	b, _ := io.ReadAll(r.Body)
                	fmt.Println(r.Proto, r.StatusCode, len(b))
                }
                """);
        Out o = run(List.of("go", "run", src.toString(), tls.url()));
        assertThat(o.exit()).as(o.text()).isZero();
        assertThat(o.text()).doesNotContain("ERROR").contains("HTTP/2.0 200 1048576");
    }

    @Test
    void jdkHttpClientOverTls() throws Exception {
        SSLContext trust = TestCertificate.localhost().trustingContext();
        try (HttpClient c = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(tls.url() + "/proto")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo("h2\n");
            HttpResponse<byte[]> e = c.send(HttpRequest.newBuilder(URI.create(tls.url() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[700_000])).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(e.body()).hasSize(700_000);
        }
    }
}
