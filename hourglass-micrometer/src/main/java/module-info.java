/**
 * Optional binding of Hourglass's metrics to Micrometer: {@link io.hourglass.micrometer.HourglassMeterBinder}
 * shows the meters of an Hourglass {@code MetricsRegistry} in a Micrometer {@code MeterRegistry}.
 */
// Micrometer 1.x has no module descriptor, only the automatic module name micrometer.core; requiring it
// transitively is still right, since its types are in this module's API.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.hourglass.micrometer {
    // Both appear in HourglassMeterBinder's API (MetricsRegistry in, MeterBinder and MeterRegistry out).
    requires transitive io.hourglass;
    requires transitive micrometer.core;

    exports io.hourglass.micrometer;
}
