/**
 * Hourglass's test kit: {@link io.hourglass.testing.ManualClock} (fake time for deadlines and timeouts).
 */
module io.hourglass.testing {
    requires transitive io.hourglass;             // Clock appears in the kit's API

    exports io.hourglass.testing;
}
