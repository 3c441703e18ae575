package io.hourglass.internal.h1;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.Headers;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * What every codec fuzz target checks on every input, whatever the input is (docs/ROBUSTNESS.md, "Fuzzing").
 *
 * <ul>
 *   <li><b>Only the codec's own failures.</b> A target may end in an {@link H1Exception} whose status is one
 *       the caller answers with, or an {@link EOFException} (the input ended in the middle of a message);
 *       anything else (a {@code RuntimeException}, an {@code Error}, another {@code IOException}) is a finding.
 *   <li><b>Bounded work.</b> The {@link Feed} counts reads: a non-final read returns at least one byte, so a
 *       target that reads more than {@code input.length + 1} times loops without progress. The thread's CPU
 *       time for one input must stay under {@link #CPU_LIMIT_NANOS} (quadratic scans show up here); an input
 *       that never returns is caught by libFuzzer's {@code -timeout} (scripts/fuzz.sh sets it).
 *   <li><b>Bounded allocation.</b> The bytes the thread allocates for one input stay under
 *       {@code FIXED_ALLOCATION + PER_BYTE_ALLOCATION * input.length}: a decoder that sizes anything by a
 *       length the peer declared (a chunk size, a Content-Length) instead of by what arrived fails here, and
 *       so does a buffer that grows past the configured limits.
 * </ul>
 */
public final class FuzzRun {
    /** A generous bound for one input of at most a few KiB; a real run takes microseconds. */
    static final long CPU_LIMIT_NANOS = 2_000_000_000L;
    /** Buffers a connection may hold by configuration (server: up to 16 KiB + 4 KiB; client: 64 KiB), twice. */
    static final long FIXED_ALLOCATION = 512 * 1024;
    /**
     * Per input byte. The smallest request (about 30 bytes) costs a few KiB of objects (strings, the field array,
     * the body stream, this harness's copies), more under Jazzer's instrumentation: 93 pipelined requests in
     * 5 310 bytes allocate about 930 KB there. A decoder that allocates by a declared size (a 1 MiB chunk
     * announced in 10 bytes) is still far over.
     */
    static final long PER_BYTE_ALLOCATION = 256;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final Set<Class<?>> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FuzzRun() {}

    /** A target's work on one input; may throw the codec's exceptions. */
    @FunctionalInterface
    public interface Body {
        void run(Feed feed) throws Exception;
    }

    /**
     * Runs {@code body} on {@code input} twice, served whole and then in fragments whose sizes come from the
     * input itself (so a finding replays exactly), and checks the invariants of this class on each. Returns
     * the outcome of each run: what the body recorded in {@link Feed#outcome} (the messages it parsed),
     * then "end", "rejected" or "eof"; the two must be equal, since where the reads split the bytes must not
     * change what a parser makes of them.
     */
    static void run(byte[] input, Set<Integer> statuses, Body body) throws Exception {
        run(input, e -> e instanceof H1Exception h && statuses.contains(h.status()) && !h.getMessage().isBlank(), body);
    }

    /**
     * As {@link #run(byte[], Set, Body)} for any codec: {@code rejection} says whether an exception is the
     * codec's own, typed rejection of bad input (an HTTP/2 target passes its frame decoder's error type); an
     * {@link EOFException} always is (the input ended mid-message); anything else is a finding.
     */
    public static void run(byte[] input, Predicate<Exception> rejection, Body body) throws Exception {
        if (WARM.add(body.getClass())) {
            // the first run of a target loads and links its classes (megabytes): not the input's doing
            try {
                body.run(new Feed(input, null));
            } catch (Exception e) {
                // judged in the measured runs below
            }
        }
        String whole = measured(input, rejection, body, false);
        String split = measured(input, rejection, body, true);
        assertThat(split).as("outcome in fragments vs whole").isEqualTo(whole);
    }

    /**
     * One run with its bounds checked. A run over a bound is repeated once and judged by the repeat: a code
     * path's first run may load classes (CPU and allocation that the input did not cause); a repeat has none.
     */
    private static String measured(byte[] input, Predicate<Exception> rejection, Body body, boolean split)
            throws Exception {
        Outcome o = once(input, body, split);
        long allocLimit = FIXED_ALLOCATION + PER_BYTE_ALLOCATION * input.length;
        if (o.allocated >= allocLimit || o.cpuNanos >= CPU_LIMIT_NANOS) {
            o = once(input, body, split);
        }
        if (o.failure != null && !(o.failure instanceof EOFException) && !rejection.test(o.failure)) {
            throw o.failure; // not the codec's own rejection: a finding, with its stack trace
        }
        // one read per byte at most, plus the one that saw the end of the stream and one retry of it
        assertThat(o.reads).as("reads of a %d-byte input", input.length).isLessThanOrEqualTo(input.length + 2);
        assertThat(o.cpuNanos).as("CPU nanoseconds for a %d-byte input", input.length).isLessThan(CPU_LIMIT_NANOS);
        assertThat(o.allocated).as("bytes allocated for a %d-byte input", input.length).isLessThan(allocLimit);
        return o.text;
    }

    private record Outcome(String text, Exception failure, int reads, long cpuNanos, long allocated) {}

    private static Outcome once(byte[] input, Body body, boolean split) throws Exception {
        Feed feed = new Feed(input, split ? new SplittableRandom(Arrays.hashCode(input)) : null);
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long alloc0 = THREADS.getCurrentThreadAllocatedBytes();
        String end;
        Exception failure = null;
        try {
            body.run(feed);
            end = "end";
        } catch (EOFException e) {
            end = "eof";
            failure = e;
        } catch (Exception e) {
            end = "rejected"; // judged by the caller; the status may differ between the runs: see RequestFuzzTest
            failure = e;
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        long alloc = THREADS.getCurrentThreadAllocatedBytes() - alloc0;
        return new Outcome(feed.outcome + end, failure, feed.reads, cpu, alloc);
    }

    /**
     * Reads a body to its end with read lengths of 1, 7 and 1000 bytes in turn, so chunk, fragment and
     * buffer edges fall everywhere; returns the bytes delivered, which must match the body's own count.
     */
    static long readAll(BodyIn body, byte[] scratch) throws java.io.IOException {
        long total = 0;
        int[] lengths = {1, 7, scratch.length};
        for (int i = 0; ; i++) {
            int n = body.read(scratch, 0, lengths[i % lengths.length]);
            if (n < 0) {
                break;
            }
            check(n > 0, "a read before the end returned no byte");
            total += n;
        }
        check(body.isComplete(), "a body that returned -1 is complete");
        check(body.delivered() == total, "delivered() counts the bytes read");
        return total;
    }

    /**
     * Fails the input when {@code ok} is false. The checks inside a target's run use this rather than AssertJ,
     * whose assertion objects would count against the run's allocation bound.
     */
    public static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("broken invariant: " + what);
        }
    }

    /** Header or trailer fields the parser accepted must pass the public API's own validation too. */
    public static void checkFields(Headers fields, int maxCount) {
        check(fields.size() <= maxCount, "no more fields than the limit");
        Headers copy = new Headers(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            copy.add(fields.name(i), fields.value(i)); // throws on a non-token name or CR, LF, NUL in a value
        }
    }

    /**
     * The target's byte source: the input, served whole or in fragments of 1 to 64 bytes, then end of stream.
     * Counts the reads; a read of zero bytes is a caller bug.
     */
    public static final class Feed implements Source {
        private final byte[] data;
        private final SplittableRandom sizes;
        private int pos;
        int reads;
        /** What the target reports for a run that did not fail, compared between the two runs. */
        public final StringBuilder outcome = new StringBuilder();

        Feed(byte[] data, SplittableRandom sizes) {
            this.data = data;
            this.sizes = sizes;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            check(len > 0, "a read asks for at least one byte");
            reads++;
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - pos);
            if (sizes != null) {
                n = Math.min(n, 1 + sizes.nextInt(64));
            }
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Bytes handed out so far. */
        int served() {
            return pos;
        }
    }
}
