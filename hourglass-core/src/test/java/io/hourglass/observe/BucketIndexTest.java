package io.hourglass.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BucketIndexTest {
    /** The rule of Histogram's doc: the first bound {@code >= v}, else +Inf; NaN is +Inf. */
    private static int expected(double[] bounds, double v) {
        for (int i = 0; i < bounds.length; i++) {
            if (v <= bounds[i]) {
                return i;
            }
        }
        return bounds.length;
    }

    /** Each bound, its neighbours one ulp away, the bins' edges and values no table covers. */
    private static void checkAround(double[] bounds) {
        BucketIndex index = new BucketIndex(bounds);
        double[] special = {0, -0.0, -1, -Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL, 1e-300, 1e300,
            Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
            Double.longBitsToDouble(0xfff8000000000000L)}; // a NaN with the sign bit set
        for (double v : special) {
            assertThat(index.of(v)).as("%s in %s", v, Arrays.toString(bounds)).isEqualTo(expected(bounds, v));
        }
        for (double b : bounds) {
            for (double v : new double[] {b, Math.nextUp(b), Math.nextDown(b), b * 1.0625, b * 0.9375, b * 2, b / 2}) {
                assertThat(index.of(v)).as("%s in %s", v, Arrays.toString(bounds)).isEqualTo(expected(bounds, v));
            }
        }
    }

    @Test
    void defaultSecondsBucketsUseTheTableAndAgreeWithTheRule() {
        double[] bounds = Histogram.defaultSecondsBuckets();
        assertThat(new BucketIndex(bounds).usesTable()).isTrue();
        checkAround(bounds);
        BucketIndex index = new BucketIndex(bounds);
        for (long nanos = 0; nanos <= 12_000_000_000L; nanos += 997) { // 0 .. 12 s, a prime step in ns
            double v = nanos / 1e9;
            if (index.of(v) != expected(bounds, v)) {
                assertThat(index.of(v)).as("%s s", v).isEqualTo(expected(bounds, v));
            }
        }
    }

    @Test
    void boundsCloseTogetherShareABin() {
        double[] bounds = {1, 1.01, 1.02, 1.03, 1.04, 2}; // five bounds inside one eighth of a power of two
        assertThat(new BucketIndex(bounds).usesTable()).isTrue();
        checkAround(bounds);
        BucketIndex index = new BucketIndex(bounds);
        for (double v = 0.9; v < 2.1; v += 0.0001) {
            assertThat(index.of(v)).as("%s", v).isEqualTo(expected(bounds, v));
        }
    }

    @Test
    void nonPositiveOrVeryWideBoundsFallBackToTheSearch() {
        double[] negative = {-1, 0, 1};
        assertThat(new BucketIndex(negative).usesTable()).isFalse();
        checkAround(negative);
        double[] wide = {1e-300, 1, 1e300}; // about 2000 powers of two: over the table's limit
        assertThat(new BucketIndex(wide).usesTable()).isFalse();
        checkAround(wide);
        double[] fewerBits = {1e-30, 1, 1e30}; // about 200 powers of two: fits with fewer mantissa bits
        assertThat(new BucketIndex(fewerBits).usesTable()).isTrue();
        checkAround(fewerBits);
    }

    @Test
    void randomBoundsAndValuesAgreeWithTheRule() {
        SplittableRandom random = new SplittableRandom(17);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(40);
            double[] bounds = new double[n];
            double b = Math.pow(10, random.nextDouble(-6, 3));
            for (int i = 0; i < n; i++) {
                bounds[i] = b;
                b *= 1 + random.nextDouble(1e-6, 3);
            }
            checkAround(bounds);
            BucketIndex index = new BucketIndex(bounds);
            for (int k = 0; k < 2000; k++) {
                double v = bounds[0] * Math.pow(10, random.nextDouble(-2, 8));
                assertThat(index.of(v)).as("%s in %s", v, Arrays.toString(bounds)).isEqualTo(expected(bounds, v));
            }
        }
    }
}
