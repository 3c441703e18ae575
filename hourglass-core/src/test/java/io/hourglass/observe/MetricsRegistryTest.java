package io.hourglass.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsRegistryTest {
    private final MetricsRegistry registry = new MetricsRegistry();

    @Test
    void counterWritesHelpTypeAndSortedChildren() {
        Counter c = registry.counter("hourglass_timeouts_total", "Timeouts by side and phase.", "side", "phase");
        c.labels("server", "read_header").add(3);
        c.labels("client", "connect").inc();
        c.labels("client", "connect").inc();

        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP hourglass_timeouts_total Timeouts by side and phase.
                # TYPE hourglass_timeouts_total counter
                hourglass_timeouts_total{side="client",phase="connect"} 2
                hourglass_timeouts_total{side="server",phase="read_header"} 3
                """);
    }

    @Test
    void counterWithoutLabelsStartsAtZero() {
        registry.counter("requests_total", "Requests.");
        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP requests_total Requests.
                # TYPE requests_total counter
                requests_total 0
                """);
    }

    @Test
    void familyWithLabelsButNoChildrenWritesOnlyMetadata() {
        registry.counter("a_total", "A.", "host");
        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP a_total A.
                # TYPE a_total counter
                """);
    }

    @Test
    void counterRefusesNegativeIncrement() {
        Counter.Child c = registry.counter("x_total", "X.").labels();
        assertThatThrownBy(() -> c.add(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        c.add(0);
        assertThat(c.value()).isZero();
    }

    @Test
    void gaugeSetIncDecAndFractions() {
        Gauge g = registry.gauge("hourglass_client_connections", "Client connections by state.", "host", "state");
        Gauge.Child idle = g.labels("example.com", "idle");
        idle.inc();
        idle.inc();
        idle.dec();
        g.labels("example.com", "active").set(0.25);
        g.labels("a.example", "draining").add(-2);

        assertThat(idle.value()).isEqualTo(1.0);
        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP hourglass_client_connections Client connections by state.
                # TYPE hourglass_client_connections gauge
                hourglass_client_connections{host="a.example",state="draining"} -2
                hourglass_client_connections{host="example.com",state="active"} 0.25
                hourglass_client_connections{host="example.com",state="idle"} 1
                """);
    }

    @Test
    void gaugeSetAfterStepsReadsBackExactly() {
        Gauge.Child g = registry.gauge("g", "G.").labels();
        g.inc();
        g.inc();
        g.add(5);
        g.set(0.1); // exact: the steps before the set do not leak into the value
        assertThat(g.value()).isEqualTo(0.1);
        g.inc();
        assertThat(g.value()).isEqualTo(0.1 + 1);
        g.set(-3);
        g.dec();
        g.add(0.5);
        assertThat(g.value()).isEqualTo(-3.5);
        g.add(Double.POSITIVE_INFINITY);
        assertThat(g.value()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void callbackGaugeIsReadAtEachWrite() {
        double[] v = {1.5};
        registry.gauge("queue_depth", "Depth.", () -> v[0]);
        assertThat(registry.toPrometheusText()).endsWith("queue_depth 1.5\n");
        v[0] = 7;
        assertThat(registry.toPrometheusText()).endsWith("queue_depth 7\n");
    }

    @Test
    void dynamicGaugeSortsItsSamplesAndSkipsNulls() {
        Map<List<String>, Number> samples = new LinkedHashMap<>();
        samples.put(List.of("time_wait", "10.0.0.2"), 4);
        samples.put(List.of("established", "10.0.0.2"), 2L);
        samples.put(List.of("established", "10.0.0.1"), 0.5);
        samples.put(List.of("listen", "*"), null);
        registry.gauges("tcp_connections", "Connections.", List.of("state", "peer"), () -> samples);

        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP tcp_connections Connections.
                # TYPE tcp_connections gauge
                tcp_connections{state="established",peer="10.0.0.1"} 0.5
                tcp_connections{state="established",peer="10.0.0.2"} 2
                tcp_connections{state="time_wait",peer="10.0.0.2"} 4
                """);
    }

    @Test
    void dynamicGaugeWithWrongKeySizeFailsTheWriteAndAppendsNothing() {
        registry.counter("before_total", "Before.");
        registry.gauges("bad", "Bad.", List.of("a", "b"), () -> Map.of(List.of("only-one"), 1));
        StringBuilder out = new StringBuilder();
        assertThatThrownBy(() -> registry.writePrometheus(out))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bad");
        assertThat(out).isEmpty();
    }

    @Test
    void familiesAreWrittenInRegistrationOrder() throws IOException {
        registry.gauge("zeta", "Z.");
        registry.counter("alpha_total", "A.");
        registry.histogram("mid_seconds", "M.", new double[] {1});
        StringBuilder out = new StringBuilder();
        registry.writePrometheus(out);
        assertThat(out.toString().lines().filter(l -> l.startsWith("# TYPE")))
                .containsExactly("# TYPE zeta gauge", "# TYPE alpha_total counter", "# TYPE mid_seconds histogram");
    }

    @Test
    void helpAndLabelValuesAreEscaped() {
        Counter c = registry.counter("esc_total", "Back\\slash, \"quotes\" and\nnewline.", "v");
        c.labels("a\\b \"q\"\nz").inc();
        assertThat(registry.toPrometheusText()).isEqualTo("""
                # HELP esc_total Back\\\\slash, "quotes" and\\nnewline.
                # TYPE esc_total counter
                esc_total{v="a\\\\b \\"q\\"\\nz"} 1
                """);
    }

    @Test
    void labelValuesMayBeEmptyOrUnicode() {
        Counter c = registry.counter("u_total", "U.", "v");
        c.labels("").inc();
        c.labels("Grüße ✓").inc();
        assertThat(registry.toPrometheusText()).contains("u_total{v=\"\"} 1\n", "u_total{v=\"Grüße ✓\"} 1\n");
    }

    @Test
    void sameDefinitionReturnsTheExistingFamily() {
        Counter a = registry.counter("hits_total", "Hits.", "host");
        Counter b = registry.counter("hits_total", "Other help is ignored.", "host");
        assertThat(b).isSameAs(a);
        assertThat(b.help()).isEqualTo("Hits.");
        assertThat(b.labels("h")).isSameAs(a.labels("h"));

        Histogram h1 = registry.histogram("lat_seconds", "L.", new double[] {0.1, 1}, "route");
        assertThat(registry.histogram("lat_seconds", "L.", new double[] {0.1, 1}, "route")).isSameAs(h1);
    }

    @Test
    void conflictingDefinitionsThrowNamingTheMetric() {
        registry.counter("hits_total", "Hits.", "host");
        assertThatThrownBy(() -> registry.counter("hits_total", "Hits.", "host", "port"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hits_total");
        assertThatThrownBy(() -> registry.gauge("hits_total", "Hits.", "host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counter hits_total{host}");

        registry.histogram("lat_seconds", "L.", new double[] {0.1, 1});
        assertThatThrownBy(() -> registry.histogram("lat_seconds", "L.", new double[] {0.1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lat_seconds");

        registry.gauge("cb", "C.", () -> 1);
        assertThatThrownBy(() -> registry.gauge("cb", "C.", () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cb");
    }

    @Test
    void histogramSampleNamesCollideWithOtherFamilies() {
        registry.histogram("req_seconds", "R.");
        assertThatThrownBy(() -> registry.gauge("req_seconds_count", "C."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("req_seconds_count");
        registry.gauge("x_sum", "S.");
        assertThatThrownBy(() -> registry.histogram("x", "X."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x_sum");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1abc", "has-dash", "has space", "é_total", "a.b"})
    void badMetricNamesAreRefusedByName(String name) {
        assertThatThrownBy(() -> registry.gauge(name, "H."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + name + "\"");
    }

    @Test
    void goodMetricNamesAreAccepted() {
        registry.gauge("a", "H.");
        registry.gauge("_a:b_9", "H.");
        registry.gauge("ns:sub:metric", "H.");
        assertThat(registry.toPrometheusText()).contains("# TYPE ns:sub:metric gauge");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1a", "a:b", "__reserved", "with-dash"})
    void badLabelNamesAreRefusedByName(String label) {
        assertThatThrownBy(() -> registry.counter("ok_total", "H.", label))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + label + "\"");
    }

    @Test
    void duplicateLabelNamesAndLeOnHistogramsAreRefused() {
        assertThatThrownBy(() -> registry.gauge("g", "H.", "a", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> registry.histogram("h_seconds", "H.", "le"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"le\"");
        registry.gauge("le_is_fine_on_gauges", "H.", "le");
    }

    @Test
    void counterNameMustEndInTotal() {
        assertThatThrownBy(() -> registry.counter("requests", "H."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"requests\"")
                .hasMessageContaining("_total");
    }

    @Test
    void wrongNumberOfLabelValuesOrNullValueThrows() {
        Counter c = registry.counter("c_total", "H.", "a", "b");
        assertThatThrownBy(() -> c.labels("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("c_total").hasMessageContaining("1 value");
        assertThatThrownBy(() -> c.labels("x", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label b");
        Counter none = registry.counter("n_total", "H.");
        assertThatThrownBy(() -> none.labels("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numbersAreFormattedForPrometheus() {
        assertThat(PrometheusWriter.formatDouble(0)).isEqualTo("0");
        assertThat(PrometheusWriter.formatDouble(-0.0)).isEqualTo("0");
        assertThat(PrometheusWriter.formatDouble(10)).isEqualTo("10");
        assertThat(PrometheusWriter.formatDouble(0.0025)).isEqualTo("0.0025");
        assertThat(PrometheusWriter.formatDouble(0.0001)).isEqualTo("0.0001");
        assertThat(PrometheusWriter.formatDouble(1.0e-9)).isEqualTo("1.0E-9");
        assertThat(PrometheusWriter.formatDouble(1.0e20)).isEqualTo("1.0E20");
        assertThat(PrometheusWriter.formatDouble(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusWriter.formatDouble(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(PrometheusWriter.formatDouble(Double.NaN)).isEqualTo("NaN");
    }
}
