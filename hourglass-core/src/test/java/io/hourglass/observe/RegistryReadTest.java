package io.hourglass.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The read side of the registry: families in order, live children, computed samples. */
class RegistryReadTest {
    private final MetricsRegistry registry = new MetricsRegistry();

    @Test
    void familiesAreListedInRegistrationOrderWithTheirKind() {
        registry.counter("b_total", "B.", "k");
        registry.gauge("a", "A.");
        registry.histogram("c_seconds", "C.");
        registry.gauge("d", "D.", () -> 4.0);

        List<String> seen = new ArrayList<>();
        for (Family f : registry.families()) {
            String kind = switch (f) {
                case Counter c -> "counter";
                case Gauge g when g.isComputed() -> "callback";
                case Gauge g -> "gauge";
                case Histogram h -> "histogram";
            };
            seen.add(kind + " " + f.name() + " " + f.type() + " " + f.labelNames() + " " + f.help());
        }
        assertThat(seen).containsExactly(
                "counter b_total counter [k] B.",
                "gauge a gauge [] A.",
                "histogram c_seconds histogram [] C.",
                "callback d gauge [] D.");
    }

    @Test
    void familiesIsASnapshotOfTheList() {
        registry.counter("a_total", "A.");
        List<Family> before = registry.families();
        registry.counter("b_total", "B.");
        assertThat(before).hasSize(1);
        assertThat(registry.families()).hasSize(2);
        assertThatThrownBy(() -> before.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void childrenAreSortedLiveAndASnapshotOfTheSet() {
        Counter c = registry.counter("t_total", "T.", "side", "phase");
        c.labels("server", "write").inc();
        c.labels("client", "connect").add(2);

        Map<List<String>, Counter.Child> children = c.children();
        assertThat(children.keySet()).containsExactly(List.of("client", "connect"), List.of("server", "write"));
        Counter.Child write = children.get(List.of("server", "write"));
        write.add(10);
        assertThat(c.children().get(List.of("server", "write")).value()).isEqualTo(11);

        c.labels("server", "idle");
        assertThat(children).hasSize(2); // made after the call: not in the old map
        assertThat(c.children()).hasSize(3);
        assertThatThrownBy(() -> children.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void unlabelledFamiliesHaveTheirOneChildFromTheStart() {
        Gauge g = registry.gauge("g", "G.");
        Histogram h = registry.histogram("h_seconds", "H.", new double[] {0.1, 1});
        g.labels().set(2.5);
        h.labels().observe(0.5);
        assertThat(g.children()).containsOnlyKeys(List.<String>of());
        assertThat(g.children().get(List.of()).value()).isEqualTo(2.5);
        Histogram.Child hc = h.children().get(List.of());
        assertThat(hc.count()).isEqualTo(1);
        assertThat(hc.cumulativeCounts()).containsExactly(0, 1, 1);
        assertThat(h.bucketBounds()).containsExactly(0.1, 1);
    }

    @Test
    void callbackSamplesAreComputedPerReadSortedAndSkipNulls() {
        Map<List<String>, Integer> now = new HashMap<>();
        registry.gauges("tcp", "TCP.", List.of("state", "peer"), () -> now);
        Gauge g = (Gauge) registry.families().get(0);
        assertThat(g.isComputed()).isTrue();

        now.put(List.of("time_wait", "10.0.0.2"), 3);
        now.put(List.of("established", "10.0.0.9"), 1);
        now.put(List.of("close_wait", "10.0.0.3"), null);
        assertThat(g.samples()).containsExactly(
                Map.entry(List.of("established", "10.0.0.9"), 1),
                Map.entry(List.of("time_wait", "10.0.0.2"), 3));

        now.clear();
        assertThat(g.samples()).isEmpty();

        now.put(List.of("only-one"), 1);
        assertThatThrownBy(g::samples).isInstanceOf(IllegalStateException.class).hasMessageContaining("tcp");
    }

    @Test
    void aComputedGaugeHasNoChildrenToSet() {
        registry.gauge("depth", "Depth.", () -> 3.0);
        Gauge g = (Gauge) registry.families().get(0);
        assertThat(g.children()).isEmpty();
        assertThat(g.samples()).containsExactly(Map.entry(List.of(), 3.0));
        assertThatThrownBy(g::labels).isInstanceOf(IllegalStateException.class)
                .hasMessage("gauge depth is computed by its callback; it has no children to set");
        assertThatThrownBy(() -> registry.gauge("depth", "Depth."))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    }

    @Test
    void aSetGaugesSamplesAreItsChildrensValues() {
        Gauge g = registry.gauge("conns", "Conns.", "state");
        g.labels("idle").set(2);
        g.labels("active").inc();
        assertThat(g.isComputed()).isFalse();
        assertThat(g.samples()).containsExactly(
                Map.entry(List.of("active"), 1.0),
                Map.entry(List.of("idle"), 2.0));
        assertThatThrownBy(() -> registry.gauges("conns", "Conns.", List.of("state"), Map::of))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    }
}
