package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranges, resumed downloads, conditional requests, HEAD and compression as curl does them: a client no one
 * here wrote. Installs curl with apt when it is missing and we are root; otherwise fails (never skips).
 */
class StaticFilesCurlTest {
    @TempDir
    static Path dir;
    static Path root;
    static Server server;
    static byte[] big;
    static final String TEXT = "0123456789abcdefghijklmnopqrstuvwxyz\n".repeat(64); // 2368 bytes

    @BeforeAll
    static void start() throws Exception {
        Tools.require("curl", "curl");
        root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("a.txt"), TEXT);
        Files.setLastModifiedTime(root.resolve("a.txt"), FileTime.from(Instant.parse("2026-03-04T05:06:07Z")));
        big = new byte[8 << 20];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        server = Server.start(ServerConfig.builder().port(0).build(), new Router()
                .get("/files/", StaticFiles.of(root))
                .group("/z", z -> z.use(Filter.gzip()).get("/", StaticFiles.of(root))));
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    record Out(int exit, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }
    }

    static Out curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "--max-time", "20"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Out(p.exitValue(), out, err);
    }

    static String url(String path) {
        return server.url() + path;
    }

    @Test
    void curlGetsOneRangeAndSeveralAsMultipart() throws Exception {
        Out one = curl("-r", "10-15", "-w", "\n%{http_code}", url("/files/a.txt"));
        assertThat(one.text()).isEqualTo("abcdef\n206");
        Out multi = curl("-r", "0-1,40-41", "-D", "-", url("/files/a.txt"));
        assertThat(multi.text()).contains("HTTP/1.1 206").contains("Content-Type: multipart/byteranges; boundary=")
                .contains("Content-Range: bytes 0-1/2368\r\n\r\n01\r\n").contains("Content-Range: bytes 40-41/2368\r\n\r\n34\r\n");
        Out none = curl("-r", "5000-6000", "-D", "-", "-o", "/dev/null", url("/files/a.txt"));
        assertThat(none.text()).contains("HTTP/1.1 416").contains("Content-Range: bytes */2368");
    }

    @Test
    void curlResumesADownloadWithContinueAt() throws Exception {
        Path part = dir.resolve("resumed.bin");
        Files.write(part, Arrays.copyOf(big, 3_000_001)); // an interrupted download
        Out r = curl("-C", "-", "-o", part.toString(), "-w", "%{http_code} %{size_download}", url("/files/big.bin"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.text()).isEqualTo("206 " + (big.length - 3_000_001));
        assertThat(Files.readAllBytes(part)).isEqualTo(big);
        Path whole = dir.resolve("whole.bin");
        assertThat(curl("-o", whole.toString(), url("/files/big.bin")).exit()).isZero();
        assertThat(Files.readAllBytes(whole)).isEqualTo(big);
    }

    @Test
    void curlsConditionalRequestsGet304() throws Exception {
        Path etag = dir.resolve("etag.txt");
        assertThat(curl("--etag-save", etag.toString(), "-o", "/dev/null", url("/files/a.txt")).exit()).isZero();
        assertThat(Files.readString(etag)).matches("\"[0-9a-f]+-[0-9a-f]+\"\\s*");
        assertThat(curl("--etag-compare", etag.toString(), "-o", "/dev/null", "-w", "%{http_code}", url("/files/a.txt"))
                .text()).isEqualTo("304");
        // -z sends If-Modified-Since (a date, or a local file's time) and prints nothing when not modified
        assertThat(curl("-z", "Wed, 04 Mar 2026 05:06:07 GMT", "-w", "%{http_code}", url("/files/a.txt")).text())
                .isEqualTo("304");
        assertThat(curl("-z", "Wed, 04 Mar 2026 05:06:06 GMT", "-o", "/dev/null", "-w", "%{http_code}",
                url("/files/a.txt")).text()).isEqualTo("200");
        Path local = dir.resolve("local.txt");
        Files.writeString(local, "x");
        Files.setLastModifiedTime(local, FileTime.from(Instant.parse("2026-03-05T00:00:00Z")));
        assertThat(curl("-z", local.toString(), "-w", "%{http_code}", url("/files/a.txt")).text()).isEqualTo("304");
        // a range that asks for a representation we no longer have gets the whole new one
        assertThat(curl("-r", "0-1", "-H", "If-Range: \"stale\"", "-o", "/dev/null", "-w", "%{http_code}",
                url("/files/a.txt")).text()).isEqualTo("200");
    }

    @Test
    void curlHeadShowsWhatGetWouldSend() throws Exception {
        Out head = curl("-I", url("/files/a.txt"));
        assertThat(head.text()).contains("HTTP/1.1 200 OK").contains("Content-Length: 2368")
                .contains("Accept-Ranges: bytes").contains("Last-Modified: Wed, 04 Mar 2026 05:06:07 GMT")
                .contains("Content-Type: text/plain; charset=utf-8").containsPattern("ETag: \"[0-9a-f]+-[0-9a-f]+\"");
    }

    @Test
    void curlCompressedDecodesTheGzipForm() throws Exception {
        Out z = curl("--compressed", "-D", "-", url("/z/a.txt"));
        assertThat(z.text()).contains("Content-Encoding: gzip").contains("Vary: Accept-Encoding").endsWith(TEXT);
        Out range = curl("--compressed", "-r", "0-9", "-D", "-", url("/z/a.txt"));
        assertThat(range.text()).contains("HTTP/1.1 206").doesNotContain("Content-Encoding").endsWith("0123456789");
    }

    /** Tools the tests need: installed with apt when missing (as root), else a failure naming the package. */
    static final class Tools {
        private Tools() {}

        static void require(String command, String debianPackage) throws IOException, InterruptedException {
            if (onPath(command)) {
                return;
            }
            boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).strip());
            if (root) {
                new ProcessBuilder("apt-get", "install", "-y", "-q", debianPackage).inheritIO().start().waitFor();
            }
            if (!onPath(command)) {
                throw new AssertionError(command + " is needed by this test: apt-get install " + debianPackage);
            }
        }

        static boolean onPath(String command) throws IOException, InterruptedException {
            return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
        }
    }
}
