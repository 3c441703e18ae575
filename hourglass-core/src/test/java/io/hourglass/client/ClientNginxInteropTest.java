package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's everyday features against a server nobody here wrote (issue 13): Debian's nginx (installed when
 * missing) with gzip on, a chain of 301/302/303/307/308 redirects with absolute and relative Locations, a cookie
 * set on a redirect, and a redirect to another origin (a second nginx server block on its own port).
 */
class ClientNginxInteropTest {
    static final String TEXT = "Interop text, compressed by nginx. ".repeat(400);

    @TempDir
    static Path dir;
    static ExternalTool nginx;
    static int port, otherPort;

    @BeforeAll
    static void start() throws Exception {
        ExternalTool.require("nginx", "nginx");
        port = ExternalTool.freePort();
        otherPort = ExternalTool.freePort();
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/text.txt"), TEXT);
        String echo = "default_type text/plain; return 200 \"$request_method $request_uri auth=$http_authorization "
                + "cookie=$http_cookie ae=$http_accept_encoding len=$content_length\\n\";";
        String conf = """
                daemon off;
                master_process off;
                pid nginx.pid;
                error_log logs/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
                    uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
                    gzip on; gzip_types text/plain; gzip_min_length 1;
                    server {
                        listen 127.0.0.1:PORT;
                        location = /text.txt { root ROOT/www; default_type text/plain; }
                        location = /r/1 { return 301 /r/2; }
                        location = /r/2 { return 302 http://127.0.0.1:PORT/r/3; }
                        location = /r/3 { add_header Set-Cookie "sid=nginx; Path=/" always; return 303 /r/4; }
                        location = /r/4 { return 307 /echo; }
                        location = /post301 { return 301 /echo; }
                        location = /post308 { return 308 /echo; }
                        location = /cross { return 308 http://127.0.0.1:OTHER/echo; }
                        location = /echo { ECHO }
                    }
                    server {
                        listen 127.0.0.1:OTHER;
                        location = /echo { ECHO }
                    }
                }
                """.replace("PORT", Integer.toString(port)).replace("OTHER", Integer.toString(otherPort))
                .replace("ROOT", dir.toString()).replace("ECHO", echo);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = ExternalTool.start(List.of("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("logs/error.log").toString()), dir, port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) nginx.close();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void nginxsGzipIsDecompressedAndTheConnectionKept() throws Exception {
        List<String> raw = new CopyOnWriteArrayList<>();
        Interceptor wire = chain -> {
            ClientResponse r = chain.proceed(chain.request());
            raw.add(r.header("Content-Encoding") + " " + r.header("Transfer-Encoding"));
            return r;
        };
        try (Client c = new Client(ClientConfig.builder().addNetworkInterceptor(wire).build())) {
            for (int i = 0; i < 3; i++) {
                try (ClientResponse r = c.send(ClientRequest.get(url("/text.txt")))) {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("Content-Encoding")).isNull();
                    assertThat(r.header("Content-Length")).isNull();
                    assertThat(r.bodyAsString()).isEqualTo(TEXT);
                }
            }
            assertThat(raw).containsOnly("gzip chunked"); // nginx compressed it, on the fly
            assertThat(c.stats().opened()).isEqualTo(1);
        }
    }

    @Test
    void aChainOfNginxRedirectsWithACookieOnTheWay() throws Exception {
        try (Client c = new Client(ClientConfig.builder().cookieJar(CookieJar.inMemory()).build());
                ClientResponse r = c.send(ClientRequest.builder("GET", url("/r/1")).header("Authorization", "Bearer t")
                        .build())) {
            assertThat(r.bodyAsString()).isEqualTo("GET /echo auth=Bearer t cookie=sid=nginx ae=gzip len=\n");
            assertThat(r.request().uri().toString()).isEqualTo(url("/echo"));
        }
    }

    @Test
    void postAfter301BecomesGetAndAfter308StaysPostWithItsBody() throws Exception {
        try (Client c = new Client()) {
            try (ClientResponse r = c.send(ClientRequest.post(url("/post301"), RequestBody.of("a=1")))) {
                assertThat(r.bodyAsString()).startsWith("GET /echo ").endsWith("len=\n");
            }
            try (ClientResponse r = c.send(ClientRequest.post(url("/post308"), RequestBody.of("a=1")))) {
                assertThat(r.bodyAsString()).startsWith("POST /echo ").endsWith("len=3\n");
            }
        }
    }

    @Test
    void credentialsDoNotFollowARedirectToAnotherOrigin() throws Exception {
        String withUser = url("/cross").replace("http://", "http://ann:pw@");
        try (Client c = new Client(); ClientResponse r = c.send(ClientRequest.get(withUser))) {
            String body = new String(r.bodyAsBytes(), StandardCharsets.UTF_8);
            assertThat(body).isEqualTo("GET /echo auth= cookie= ae=gzip len=\n");
            assertThat(r.request().uri().getPort()).isEqualTo(otherPort);
        }
    }
}
