package io.hourglass.observe;

import java.util.Arrays;

/**
 * Finds the bucket of a histogram observation from the bits of the value instead of by searching the bounds.
 *
 * <p>For a positive double the raw IEEE 754 bits, read as a {@code long}, grow with the value. So the top
 * bits (sign, exponent and the first {@code m} bits of the mantissa) cut the positive numbers into bins
 * {@code 2^-m} of a power of two wide, in order. A table made once per family holds, for every bin between
 * the first and the last bound's, the first bucket whose bound is at least the smallest value of that bin.
 * An observation then costs a shift, a subtraction, one table load and a compare or two (the bounds inside
 * its own bin), instead of a binary search of about log2(bounds) unpredictable branches: the histogram's
 * share of the server's request path in the profile of docs/BENCHMARKS.md.
 *
 * <p>Values below the first bound's bin (zero, negative numbers, {@code -0.0}) land in the first bucket;
 * values above the last bound's bin ({@code +Inf}, NaN after {@link Double#doubleToLongBits}'s
 * canonicalization) in the {@code +Inf} bucket: the same buckets the inclusive {@code v <= le} rule gives.
 * Bounds that are not all positive, or spread over so many powers of two that the table would pass
 * {@value #MAX_TABLE} entries even with {@code m = 0}, fall back to a binary search.
 */
final class BucketIndex {
    /** Largest table kept: 4 KiB per family. The default seconds buckets take 14 × 8 = 112 entries. */
    static final int MAX_TABLE = 1024;
    /** Mantissa bits tried first: bins an eighth of a power of two wide hold at most a bound or two. */
    private static final int MANTISSA_BITS = 3;

    private final double[] bounds; // shared with the family, never written
    private final int[] table; // null: binary search
    private final int shift; // 52 - mantissa bits kept
    private final long firstBin; // bin of bounds[0]

    BucketIndex(double[] bounds) {
        this.bounds = bounds;
        int[] t = null;
        int s = 0;
        long first = 0;
        if (bounds[0] > 0) {
            for (int m = MANTISSA_BITS; m >= 0 && t == null; m--) {
                s = 52 - m;
                first = Double.doubleToRawLongBits(bounds[0]) >>> s;
                long last = Double.doubleToRawLongBits(bounds[bounds.length - 1]) >>> s;
                if (last - first + 1 <= MAX_TABLE) {
                    t = table(bounds, first, (int) (last - first + 1), s);
                }
            }
        }
        this.table = t;
        this.shift = s;
        this.firstBin = first;
    }

    /** Entry {@code k}: the first bucket whose bound is at least the smallest value of bin {@code first + k}. */
    private static int[] table(double[] bounds, long first, int size, int shift) {
        int[] t = new int[size];
        int i = 0;
        for (int k = 0; k < size; k++) {
            double low = Double.longBitsToDouble((first + k) << shift);
            while (i < bounds.length && bounds[i] < low) {
                i++;
            }
            t[k] = i;
        }
        return t;
    }

    /**
     * The bucket of {@code v}: the index of the first bound {@code >= v}, or {@code bounds.length} (the
     * {@code +Inf} bucket) when there is none or {@code v} is NaN.
     */
    int of(double v) {
        int[] t = table;
        if (t == null) {
            return search(v);
        }
        // Arithmetic shift: a negative value (sign bit set) gives a negative bin, below every bound's.
        long bin = (Double.doubleToLongBits(v) >> shift) - firstBin;
        if (bin < 0) {
            return 0;
        }
        if (bin >= t.length) {
            return bounds.length;
        }
        int i = t[(int) bin];
        while (i < bounds.length && v > bounds[i]) { // only the bounds inside v's own bin
            i++;
        }
        return i;
    }

    /** The same by binary search: for bounds the table cannot cover. */
    private int search(double v) {
        int i = Arrays.binarySearch(bounds, v);
        // Found: v equals a bound, and bounds are inclusive. Not found: the insertion point is the first
        // bound greater than v, or bounds.length (+Inf); NaN sorts above every number.
        return i >= 0 ? i : -i - 1;
    }

    /** {@return whether the bucket comes from the table (false: binary search)}; for tests */
    boolean usesTable() {
        return table != null;
    }
}
