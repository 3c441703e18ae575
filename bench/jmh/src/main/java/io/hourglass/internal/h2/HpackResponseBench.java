package io.hourglass.internal.h2;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * HPACK decoding of a response head as nginx sends it over HTTP/2, on the client's side: {@code :status 200}
 * as an index, then {@code server}, {@code date}, {@code content-type} and {@code content-length} as
 * Huffman-coded literals without indexing, on every response (nginx never adds them to the dynamic table).
 * The block is the same on every call, as it is within one second of a real run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HpackResponseBench {
    private final FieldList decoded = new FieldList();
    private HpackDecoder decoder;
    private byte[] block;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        FieldList response = new FieldList()
                .add(":status", "200")
                .add("server", "nginx/1.22.1")
                .add("date", "Sun, 06 Dec 2026 14:40:00 GMT")
                .add("content-type", "text/plain")
                .add("content-length", "13");
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.peerHeaderTableSize(0); // every field but :status a literal without indexing, as nginx sends them
        decoder = new HpackDecoder(64 * 1024);
        int n = encoder.encode(response); // carries the size update
        decoder.decode(encoder.buffer(), 0, n, decoded);
        n = encoder.encode(response);
        block = java.util.Arrays.copyOf(encoder.buffer(), n);
        decoder.decode(block, 0, block.length, decoded);
        if (!decoded.toString().equals(response.toString()) || decoder.tableSize() != 0) {
            throw new IllegalStateException("HpackResponseBench set-up: decoded " + decoded);
        }
    }

    /** Decodes the response block into the reused field list. */
    @Benchmark
    public FieldList decode() throws H2Exception {
        decoder.decode(block, 0, block.length, decoded);
        return decoded;
    }
}
