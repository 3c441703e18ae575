package io.hourglass.internal.h2;

import io.hourglass.http.Headers;
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
 * HPACK encoding and decoding of one typical request head: the browser page load of HeadParseBench over
 * HTTP/2 (11 fields: the four pseudo-header fields, user-agent, accept*, two cookie crumbs,
 * upgrade-insecure-requests, sec-fetch-mode), on a connection that has already carried the same request.
 *
 * <p>{@code table=4096}: the default dynamic table, warm: most fields go as one-byte indexes, the
 * {@code :path} with a query as a literal with an indexed name, the short cookie crumb as a never-indexed
 * literal. {@code table=0}: the peer allows no dynamic table, so every value is a Huffman-coded literal:
 * the cost of the string path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HpackBench {
    @Param({"4096", "0"})
    public int table;

    private final FieldList request = new FieldList();
    private final FieldList decoded = new FieldList();
    private HpackEncoder encoder;
    private HpackDecoder decoder;
    private byte[] block;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Headers h = new Headers()
                .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .add("Accept-Language", "en-US,en;q=0.5")
                .add("Accept-Encoding", "gzip, deflate, br, zstd")
                .add("Cookie", "session=4f2a9c1e7b3d48a6; theme=dark")
                .add("Upgrade-Insecure-Requests", "1")
                .add("Sec-Fetch-Mode", "navigate");
        H2Messages.requestFields("GET", "https", "www.example.com", "/docs/guide.html?lang=en&v=2", h, request);
        encoder = new HpackEncoder(4096);
        encoder.peerHeaderTableSize(table);
        decoder = new HpackDecoder(64 * 1024);
        // The first request fills the tables (and carries the size update); the measured one is the next.
        int n = encoder.encode(request);
        decoder.decode(encoder.buffer(), 0, n, decoded);
        n = encoder.encode(request);
        block = java.util.Arrays.copyOf(encoder.buffer(), n);
        // Fail the run, not just measure garbage, if the path does not do what it should.
        check(decodeRequest().headers().size() == 8 && decoded.size() == 12 && !decoded.overLimit(), "decoded request");
        check(table == 0 ? decoder.tableSize() == 0 && block.length > 150 : block.length < 64, "block of " + block.length + " bytes");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("HpackBench set-up: unexpected " + what);
        }
    }

    /** Encodes the request's fields into the encoder's buffer; returns the block length. */
    @Benchmark
    public int encode() {
        return encoder.encode(request);
    }

    /** Decodes the block into the reused field list. */
    @Benchmark
    public FieldList decode() throws H2Exception {
        decoder.decode(block, 0, block.length, decoded);
        return decoded;
    }

    /** Decodes the block and checks and maps it as a server does: an H2RequestHead with its Headers. */
    @Benchmark
    public H2RequestHead decodeRequest() throws H2Exception {
        decoder.decode(block, 0, block.length, decoded);
        return H2Messages.request(1, decoded);
    }
}
