package io.hourglass.internal.text;

/** Non-negative decimal numbers in header values (Content-Length, Range, Keep-Alive's timeout), without exceptions. */
public final class Decimal {
    private Decimal() {
    }

    /**
     * {@return the number {@code s} spells in ASCII digits alone (no sign, no space), or -1 when it is empty, holds
     * anything else, or has more than {@code maxDigits} digits}
     *
     * @param s the text
     * @param maxDigits the most digits taken, at most 18 so that the value fits in a long
     */
    public static long parse(String s, int maxDigits) {
        if (s.isEmpty() || s.length() > Math.min(maxDigits, 18)) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
