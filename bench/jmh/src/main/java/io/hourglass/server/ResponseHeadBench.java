package io.hourglass.server;

import io.hourglass.internal.h1.OutBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One response as the server emits it per request: {@link ServerConn} makes a {@link Response} over an
 * {@link H1Exchange}, the handler sets status and headers and sends a body, and {@code Response.finish()}
 * commits the head (status line, Date, the handler's fields, Content-Length or chunked, Connection when
 * needed) into the connection's {@link OutBuffer} and flushes it. The flush goes to a sink that drops the bytes, so this is the CPU cost of
 * building the response, no socket write. The owning {@link ServerConn} belongs to a real {@link Server}
 * listening on a loopback port (it is only asked whether the server is shutting down).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResponseHeadBench {
    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] JSON = "{\"id\":42,\"name\":\"hourglass\",\"tags\":[\"http\",\"timeouts\"]}"
            .getBytes(StandardCharsets.UTF_8);

    private Server server;
    private ServerConn owner;
    private OutBuffer out;
    private long bytes;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        server = Server.start(ServerConfig.builder().host("127.0.0.1").port(0).build(), (req, res) -> res.send(HELLO));
        owner = new ServerConn(server, new Socket()); // never run: it only answers closing()
        out = new OutBuffer((b, off, len) -> bytes += len, 8192);
        String head = wire(() -> hello());
        // Date first; the Keep-Alive hint (timeout=N, the server's idle timeout) may follow Content-Length
        if (!head.startsWith("HTTP/1.1 200 OK\r\nDate: ") || !head.contains("\r\nContent-Length: 6\r\n")
                || !head.endsWith("\r\n\r\nhello\n")) {
            throw new IllegalStateException("unexpected /hello response:\n" + head);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    /** What one benchmark call writes, for the set-up check. */
    private String wire(IoAction a) throws IOException {
        OutBuffer saved = out;
        StringBuilder s = new StringBuilder();
        out = new OutBuffer((b, off, len) -> s.append(new String(b, off, len, StandardCharsets.ISO_8859_1)), 8192);
        try {
            a.run();
        } finally {
            out = saved;
        }
        return s.toString();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    /** As ServerConn makes one per request since the HTTP/2 server: an H1Exchange frames it, no socket behind. */
    private Response response(String method) {
        return new Response(new H1Exchange(owner, out, null, null, 11, true), method);
    }

    /** {@code hourglass serve}'s /hello: one Content-Type, a 6-byte body. */
    @Benchmark
    public boolean hello() throws IOException {
        Response res = response("GET");
        res.header("Content-Type", "text/plain; charset=utf-8").send(HELLO);
        return res.finish();
    }

    /** A JSON API answer with six fields of its own (each validated by Headers.add). */
    @Benchmark
    public boolean sixHeaders() throws IOException {
        Response res = response("GET");
        res.header("Content-Type", "application/json")
                .header("Cache-Control", "no-store")
                .header("ETag", "\"5f3a-1\"")
                .header("Vary", "Accept-Encoding")
                .header("X-Request-Id", "7b3d48a6-4f2a-9c1e")
                .header("Strict-Transport-Security", "max-age=31536000")
                .send(JSON);
        return res.finish();
    }

    /** A status other than 200, whose line is built field by field. */
    @Benchmark
    public boolean notFound() throws IOException {
        Response res = response("GET");
        res.status(404).header("Content-Type", "text/plain; charset=utf-8").send(NOT_FOUND);
        return res.finish();
    }

    /** A streamed body without a length: chunked head, one chunk, the last chunk. */
    @Benchmark
    public boolean chunked() throws IOException {
        Response res = response("GET");
        res.header("Content-Type", "text/plain; charset=utf-8");
        OutputStream body = res.body();
        body.write(HELLO);
        return res.finish();
    }
}
