package io.hourglass.internal.h1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading a whole body through {@link BodyIn} into an 8 KiB array, as a handler or a client caller would: a
 * chunked body of {@code shape} = "total/chunk" bytes (the terminating chunk and an empty trailer section
 * included), and the same 16 KiB with a Content-Length for comparison. The bytes come from an in-memory
 * {@link Source} that hands over as many as asked, through the connection's {@link InBuffer} (8 KiB, as
 * the client's).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChunkedBodyBench {
    @Param({"16384/1024", "16384/64", "1024/16"})
    public String shape;

    private final H1Parser parser = new H1Parser(64 * 1024, 256);
    private final byte[] sink = new byte[8192];
    private byte[] chunkedWire;
    private byte[] plainWire;
    private int total;
    private final ArraySource source = new ArraySource();
    private InBuffer in;

    /** Hands out {@code data} from {@code pos}, as much as asked, then end of stream. */
    static final class ArraySource implements Source {
        byte[] data;
        int pos;

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, data.length - pos);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Setup(Level.Trial)
    public void setup() throws IOException {
        String[] p = shape.split("/");
        total = Integer.parseInt(p[0]);
        int chunk = Integer.parseInt(p[1]);
        byte[] content = new byte[total];
        for (int i = 0; i < total; i++) {
            content[i] = (byte) ('a' + i % 26);
        }
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        for (int off = 0; off < total; off += chunk) {
            int n = Math.min(chunk, total - off);
            w.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            w.write(content, off, n);
            w.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        w.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        chunkedWire = w.toByteArray();
        plainWire = content;
        in = new InBuffer(source, 8192, 64 * 1024);
        if (chunked() != total || plain() != total) {
            throw new IllegalStateException("the body did not decode to " + total + " bytes");
        }
    }

    @Benchmark
    public long chunked() throws IOException {
        rewind(chunkedWire);
        BodyIn body = BodyIn.chunked(in, parser);
        long n = readAll(body);
        if (!body.isComplete()) {
            throw new IllegalStateException("chunked body incomplete");
        }
        return n;
    }

    /** The same content with a Content-Length (only the first size of {@code shape} matters). */
    @Benchmark
    public long plain() throws IOException {
        rewind(plainWire);
        return readAll(BodyIn.length(in, plainWire.length));
    }

    private void rewind(byte[] wire) {
        source.data = wire;
        source.pos = 0;
        in.pos = 0;
        in.lim = 0;
    }

    private long readAll(BodyIn body) throws IOException {
        long n = 0;
        int r;
        while ((r = body.read(sink, 0, sink.length)) > 0) {
            n += r;
        }
        return n;
    }
}
