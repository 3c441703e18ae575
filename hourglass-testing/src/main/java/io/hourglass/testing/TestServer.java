package io.hourglass.testing;

import io.hourglass.http.Headers;
import io.hourglass.server.Handler;
import io.hourglass.server.Request;
import io.hourglass.server.Response;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Hourglass server on a free loopback port that answers with the responses a test enqueued and
 * records the requests it received: what OkHttp's MockWebServer is, on Hourglass's server, with its timeouts.
 *
 * <pre>{@code
 * @RegisterExtension
 * final TestServer server = new TestServer();       // started before each test, closed after it
 *
 * @Test
 * void retriesAfter503() throws Exception {
 *     server.enqueue(TestResponse.status(503));
 *     server.enqueue(TestResponse.ok("hello"));
 *     assertThat(myClient.get(server.url("/greeting"))).isEqualTo("hello");
 *     assertThat(server.takeRequest().path()).isEqualTo("/greeting");
 * }
 * }</pre>
 *
 * <p>Or without JUnit's extension model: {@code try (TestServer server = TestServer.start()) { ... }}.
 *
 * <p>Responses are given in the order enqueued, one per request; with none left, the fallback handler answers
 * ({@link #fallback}; by default 404 "no response enqueued"). Each request is recorded, its body read in full,
 * before its response is given, so {@link #takeRequest()} sees a request whose response is still delayed. A
 * misbehaviour below HTTP (a stall in the middle of a head, a reset, bytes nobody asked for) is
 * {@link RawPeer}'s job: this server always speaks correct HTTP, only late, slowly, or never.
 */
public final class TestServer implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
    private static final Duration TAKE_LIMIT = Duration.ofSeconds(10);

    private final ServerConfig config;
    private final BlockingQueue<TestResponse> responses = new LinkedBlockingQueue<>();
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger sequence = new AtomicInteger();
    // Set by the test thread, read by handler threads.
    private volatile Handler fallback = (req, res) -> res.status(404).send("no response enqueued\n");
    // Started by start() or beforeEach on the test thread; read by any thread.
    private volatile Server server;

    /**
     * A server with the default {@link ServerConfig} but a shutdown timeout of 1 second (so that closing it
     * does not wait long for a handler that hangs), on 127.0.0.1 and a free port, not started yet.
     */
    public TestServer() {
        this(ServerConfig.builder().shutdownTimeout(Duration.ofSeconds(1)));
    }

    /**
     * A server with these settings (its timeouts, say), on 127.0.0.1 and a free port whatever the builder says,
     * not started yet.
     *
     * @param config the settings
     */
    public TestServer(ServerConfig.Builder config) {
        this.config = config.host("127.0.0.1").port(0).build();
    }

    /**
     * Starts a server with the default settings ({@link #TestServer()}).
     *
     * @return the running server; close it when done
     * @throws IOException if it cannot listen
     */
    public static TestServer start() throws IOException {
        return new TestServer().listen();
    }

    /**
     * Starts a server with these settings (on 127.0.0.1, a free port).
     *
     * @param config the settings
     * @return the running server; close it when done
     * @throws IOException if it cannot listen
     */
    public static TestServer start(ServerConfig.Builder config) throws IOException {
        return new TestServer(config).listen();
    }

    private TestServer listen() throws IOException {
        if (server == null) {
            server = Server.start(config, this::handle);
        }
        return this;
    }

    /**
     * Adds a response for the next request that finds none before it.
     *
     * @param r the response
     * @return this server
     */
    public TestServer enqueue(TestResponse r) {
        responses.add(r);
        return this;
    }

    /**
     * Sets the handler that answers when no enqueued response is left (by default 404).
     *
     * @param h the handler
     * @return this server
     */
    public TestServer fallback(Handler h) {
        fallback = h;
        return this;
    }

    /**
     * The next request received, in arrival order, waiting for it up to 10 seconds.
     *
     * @return the request
     * @throws IllegalStateException when none came within 10 seconds
     * @throws InterruptedException if the thread is interrupted
     */
    public RecordedRequest takeRequest() throws InterruptedException {
        RecordedRequest r = takeRequest(TAKE_LIMIT);
        if (r == null) {
            throw new IllegalStateException("no request within " + TAKE_LIMIT.toSeconds() + " s");
        }
        return r;
    }

    /**
     * The next request received, waiting for it up to {@code wait}.
     *
     * @param wait how long to wait
     * @return the request, or null when none came in time
     * @throws InterruptedException if the thread is interrupted
     */
    public RecordedRequest takeRequest(Duration wait) throws InterruptedException {
        return requests.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@return how many requests were received} */
    public int requestCount() {
        return sequence.get();
    }

    /** {@return the port it listens on} */
    public int port() {
        return running().port();
    }

    /**
     * An http URL of this server.
     *
     * @param path the path, starting with a slash
     * @return {@code http://127.0.0.1:PORT} followed by the path
     */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** {@return the Hourglass server underneath: its metrics, its timeouts counted, its connections} */
    public Server server() {
        return running();
    }

    private Server running() {
        Server s = server;
        if (s == null) {
            throw new IllegalStateException("the test server is not started: use start(), or @RegisterExtension");
        }
        return s;
    }

    /** Shuts the server down (in-flight requests get its shutdown timeout). Idempotent. */
    @Override
    public void close() {
        Server s = server;
        if (s != null) {
            s.shutdown();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try {
            listen();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    // ---- the handler ----

    private void handle(Request req, Response res) throws Exception {
        byte[] body = req.body().readAllBytes();
        requests.add(new RecordedRequest(sequence.getAndIncrement(), req.method(), req.target(),
                Headers.copyOf(req.headers()), body, req.connectionId()));
        TestResponse r = responses.poll();
        if (r == null) {
            fallback.handle(req, res);
            return;
        }
        try {
            respond(r, res);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled: the client left, or the handler timeout passed
        }
    }

    private static void respond(TestResponse r, Response res) throws IOException, InterruptedException {
        if (r.hangs()) {
            Thread.sleep(Long.MAX_VALUE); // until the request is cancelled
        }
        Thread.sleep(r.delayBeforeHead());
        res.status(r.statusCode());
        Headers h = r.headers();
        for (int i = 0; i < h.size(); i++) {
            res.header(h.name(i), h.value(i));
        }
        byte[] b = r.bodyBytes();
        if (r.trickleBytes() == 0) {
            res.send(b);
            return;
        }
        res.contentLength(b.length);
        OutputStream out = res.body();
        for (int off = 0; off < b.length; off += r.trickleBytes()) {
            if (off > 0) {
                Thread.sleep(r.trickleEvery());
            }
            out.write(b, off, Math.min(r.trickleBytes(), b.length - off));
            out.flush();
        }
    }

    @Override
    public String toString() {
        Server s = server;
        return s == null ? "TestServer[not started]" : "TestServer[" + s.url() + "]";
    }
}
