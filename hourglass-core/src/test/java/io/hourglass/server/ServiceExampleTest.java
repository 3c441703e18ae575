package io.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "a service in thirty lines", run as written (the port and the directory aside). */
class ServiceExampleTest {

    static Router service(Path publicDir) {
        // ---- as in the README ----
        Router router = new Router()
                .use(Filter.accessLog(), Filter.requestId(), Filter.recovery())   // every request, in this order
                .get("/health", (req, res) -> res.send("ok\n"))
                .group("/api", api -> api
                        .use(Filter.cors("https://app.example"), Filter.gzip())
                        .get("/users/{id}", (req, res) -> {
                            res.header("Content-Type", "application/json");
                            res.send("{\"id\":\"" + req.pathParam("id") + "\"}");
                        })
                        .post("/users", Filter.maxRequestBody(64 * 1024).wrap((req, res) -> {
                            byte[] user = req.body().readAllBytes();              // 413 past 64 KiB
                            res.status(201).send(user);
                        })))
                .get("/", StaticFiles.of(publicDir).cacheControl("max-age=60"));  // any other GET: a file
        // ----
        return router;
    }

    @Test
    void theReadmeServiceAnswersAsItSays(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<h1>home</h1>");
        ServerConfig config = ServerConfig.builder().port(0)
                .handlerTimeout(Duration.ofSeconds(10)).maxRequestBodyBytes(1 << 20).build();
        try (Server server = Server.start(config, service(dir))) {
            HttpClient c = HttpClient.newHttpClient();
            String base = server.url();
            HttpResponse<String> health = c.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("ok\n");
            assertThat(health.headers().firstValue("X-Request-Id")).isPresent();
            HttpResponse<String> user = c.send(HttpRequest.newBuilder(URI.create(base + "/api/users/7"))
                    .header("Origin", "https://app.example").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(user.body()).isEqualTo("{\"id\":\"7\"}");
            assertThat(user.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
            HttpResponse<String> created = c.send(HttpRequest.newBuilder(URI.create(base + "/api/users"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"a\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
            HttpResponse<String> big = c.send(HttpRequest.newBuilder(URI.create(base + "/api/users"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(70_000))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);
            HttpResponse<String> home = c.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(home.body()).isEqualTo("<h1>home</h1>");
            assertThat(home.headers().firstValue("Cache-Control")).hasValue("max-age=60");
        }
    }
}
