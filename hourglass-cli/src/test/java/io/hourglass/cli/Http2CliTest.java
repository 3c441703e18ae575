package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hourglass get} and {@code load} over HTTP/2 (curl's flag names) against nghttpd (Debian's
 * nghttp2-server) over h2c: {@code -i} prints {@code HTTP/2 200}, load's JSON counts the streams on one
 * connection, and the two flags together are a usage error.
 */
class Http2CliTest {
    @TempDir
    static Path dir;
    static Process nghttpd;
    static int port;

    @BeforeAll
    static void startNghttpd() throws Exception {
        if (new ProcessBuilder("sh", "-c", "command -v nghttpd").start().waitFor() != 0) {
            throw new AssertionError("nghttpd is needed by this test: apt-get install nghttp2-server");
        }
        Path docroot = Files.createDirectories(dir.resolve("htdocs"));
        Files.writeString(docroot.resolve("hello.txt"), "hello over h2\n");
        port = GetCliTest.freePort();
        nghttpd = new ProcessBuilder("nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", docroot.toString(),
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                assertThat(System.nanoTime() - end).as("nghttpd listening on %d", port).isNegative();
                Thread.sleep(20); // polling a child process's start: there is no hook to wait on
            }
        }
    }

    @AfterAll
    static void stopNghttpd() {
        if (nghttpd != null) {
            nghttpd.destroyForcibly();
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void getWithPriorKnowledgePrintsHttp2StatusLine() {
        CliRun r = GetCliTest.get("-i", "--http2-prior-knowledge", url("/hello.txt"));
        assertThat(r.code()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("HTTP/2 200\r\n").endsWith("\r\n\r\nhello over h2\n");
        CliRun body = GetCliTest.get("--http2-prior-knowledge", url("/hello.txt"));
        assertThat(body.stdout()).isEqualTo("hello over h2\n");
    }

    @Test
    void bothFlagsAreAUsageError() {
        CliRun r = GetCliTest.get("--http2", "--http2-prior-knowledge", url("/hello.txt"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.stderr()).contains("--http2 or --http2-prior-knowledge, not both");
    }

    @Test
    void loadOverH2cCountsStreamsOnOneConnection() {
        CliRun r = LoadCliTest.load(url("/hello.txt"), "-n", "200", "--concurrency", "8", "--http2-prior-knowledge",
                "--json");
        assertThat(r.code()).as(r.stderr()).isZero();
        String json = r.stdout();
        assertThat(LoadCliTest.number(json, "http2.streams_opened")).as(json).isEqualTo(200);
        assertThat(LoadCliTest.number(json, "connections.opened")).as("one connection for 8 callers").isEqualTo(1);
        assertThat(LoadCliTest.number(json, "http2.resets_sent")).isZero();
        assertThat(json).contains("\"pings_sent\":").contains("\"goaways\":0");
    }
}
