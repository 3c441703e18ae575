package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hourglass serve --dir PATH --access-log}: files beside the demo routes, one log line per request. */
class ServeFilesCliTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing dir           | serve --listen 127.0.0.1:0 --dir /no/such/dir        | --dir
            unknown log format    | serve --listen 127.0.0.1:0 --access-log xml          | --access-log
            negative body limit   | serve --listen 127.0.0.1:0 --max-body-bytes -1       | --max-body-bytes
            """)
    void userMistakesGiveOneLineNamingTheFlagAndExit2(String name, String args, String flag) {
        ServeCliTest.Result r = ServeCliTest.run(args.trim().split("\\s+"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("hourglass serve: ").contains(flag).doesNotContain("Exception");
    }

    @Test
    void filesAreServedBesideTheDemoRoutesAndEveryRequestIsLogged(@TempDir Path tmp) throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "0123456789");
        Files.writeString(www.resolve("hello"), "a file named like a demo route");
        Path stdout = tmp.resolve("stdout");
        List<String> cmd = new ArrayList<>(CliRun.javaCommand()); // from the module path, as the tests run
        cmd.addAll(List.of("serve", "--listen", "127.0.0.1:0", "--dir", www.toString(), "--access-log"));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            CliRun.awaitLines(p, stdout, 1, Duration.ofSeconds(30)); // "listening on <url>"
            String first = Files.readString(stdout).lines().findFirst().orElse("");
            assertThat(first).as("the server's first line on stdout").startsWith("listening on ");
            String base = first.substring("listening on ".length());
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> range = client.send(HttpRequest.newBuilder(URI.create(base + "/a.txt"))
                    .header("Range", "bytes=2-4").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.body()).isEqualTo("234");
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(hello.body()).isEqualTo("hello\n"); // the demo route wins over the file
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/nope.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            CliRun.awaitLines(p, stdout, 4, Duration.ofSeconds(10)); // the listening line, then 3 access-log lines
            List<String> lines = Files.readString(stdout).lines().toList();
            assertThat(lines).hasSize(4);
            assertThat(lines.get(1)).contains("\"GET /a.txt HTTP/1.1\" 206 3 ");
            assertThat(lines.get(2)).contains("\"GET /hello HTTP/1.1\" 200 6 ");
            assertThat(lines.get(3)).contains("\"GET /nope.txt HTTP/1.1\" 404 ");
        } finally {
            p.destroy();
            p.waitFor(15, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
