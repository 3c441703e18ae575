package io.hourglass.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hourglass.observe.Counter;
import io.hourglass.observe.Gauge;
import io.hourglass.observe.Histogram;
import io.hourglass.observe.MetricsRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each Hourglass kind as Micrometer sees it, read live, with names, tags and descriptions. */
class HourglassMeterBinderTest {
    final MetricsRegistry hg = new MetricsRegistry();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void countersBecomeFunctionCountersThatReadTheLiveValue() {
        Counter c = hg.counter("hourglass_timeouts_total", "Timeouts.", "side", "phase");
        Counter.Child write = c.labels("server", "write");
        write.add(2);
        new HourglassMeterBinder(hg).bindTo(meters);

        FunctionCounter fc = meters.get("hourglass.timeouts").tags("side", "server", "phase", "write").functionCounter();
        assertThat(fc.count()).isEqualTo(2);
        write.inc();
        assertThat(fc.count()).isEqualTo(3);
        assertThat(fc.getId().getDescription()).isEqualTo("Timeouts.");
        assertThat(fc.getId().getTags()).containsExactlyInAnyOrder(Tag.of("side", "server"), Tag.of("phase", "write"));
    }

    @Test
    void gaugesReadTheLiveValue() {
        Gauge.Child active = hg.gauge("hourglass_server_connections", "Open.", "state").labels("active");
        new HourglassMeterBinder(hg).bindTo(meters);
        io.micrometer.core.instrument.Gauge g = meters.get("hourglass.server.connections").tag("state", "active").gauge();
        assertThat(g.value()).isZero();
        active.add(3);
        active.dec();
        assertThat(g.value()).isEqualTo(2);
    }

    @Test
    void secondsHistogramsBecomeFunctionTimersOfCountAndSum() {
        Histogram.Child h = hg.histogram("hourglass_server_request_duration_seconds", "Duration.").labels();
        new HourglassMeterBinder(hg).bindTo(meters);
        h.observe(0.5);
        h.observe(0.25);
        FunctionTimer t = meters.get("hourglass.server.request.duration").functionTimer();
        assertThat(t.count()).isEqualTo(2);
        assertThat(t.totalTime(TimeUnit.SECONDS)).isCloseTo(0.75, within(1e-9));
        assertThat(t.totalTime(TimeUnit.MILLISECONDS)).isCloseTo(750, within(1e-6));
        assertThat(t.mean(TimeUnit.SECONDS)).isCloseTo(0.375, within(1e-9));
        // no buckets unless asked for
        assertThat(meters.find("hourglass.server.request.duration.buckets").meters()).isEmpty();
    }

    @Test
    void otherHistogramsBecomeCountAndSumCounters() {
        Histogram.Child h = hg.histogram("body_bytes", "Sizes.", new double[] {100, 1000}).labels();
        h.observe(50);
        h.observe(700);
        new HourglassMeterBinder(hg).bindTo(meters);
        assertThat(meters.get("body.bytes.count").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get("body.bytes.sum").functionCounter().count()).isEqualTo(750);
    }

    @Test
    void bucketCountersAreCumulativeAndTaggedLe() {
        Histogram.Child h = hg.histogram("x_seconds", "X.", new double[] {0.1, 1, 2.5}, "k").labels("v");
        h.observe(0.05);
        h.observe(0.5);
        h.observe(0.7);
        h.observe(30);
        new HourglassMeterBinder(hg).withBucketCounters().bindTo(meters);
        Map<String, Double> byLe = new HashMap<>();
        for (Meter m : meters.find("x.buckets").tag("k", "v").meters()) {
            byLe.put(m.getId().getTag("le"), ((FunctionCounter) m).count());
        }
        assertThat(byLe).isEqualTo(Map.of("0.1", 1.0, "1", 3.0, "2.5", 3.0, "+Inf", 4.0));
        assertThat(meters.get("x").tag("k", "v").functionTimer().count()).isEqualTo(4);
    }

    @Test
    void callbackGaugeWithoutLabelsRunsTheCallback() {
        double[] now = {7};
        hg.gauge("uptime_seconds", "Up.", () -> now[0]);
        new HourglassMeterBinder(hg, false, 0).bindTo(meters);
        io.micrometer.core.instrument.Gauge up = meters.get("uptime.seconds").gauge();
        assertThat(up.value()).isEqualTo(7);
        now[0] = 8;
        assertThat(up.value()).isEqualTo(8);
    }

    @Test
    void callbackGaugeWithLabelsGetsAGaugePerLabelSetPresentWhenBound() {
        Map<List<String>, Integer> now = new HashMap<>();
        now.put(List.of("established", "10.0.0.1"), 3);
        now.put(List.of("time_wait", "10.0.0.1"), 40);
        hg.gauges("hourglass_tcp_connections", "TCP.", List.of("state", "peer"), () -> now);
        HourglassMeterBinder binder = new HourglassMeterBinder(hg, false, 0);
        binder.bindTo(meters);

        io.micrometer.core.instrument.Gauge est = meters.get("hourglass.tcp.connections")
                .tags("state", "established", "peer", "10.0.0.1").gauge();
        assertThat(est.value()).isEqualTo(3);
        assertThat(est.getId().getDescription()).isEqualTo("TCP.");
        now.put(List.of("established", "10.0.0.1"), 4);
        assertThat(est.value()).isEqualTo(4);
        now.remove(List.of("established", "10.0.0.1")); // no such socket any more
        assertThat(est.value()).isNaN();

        now.put(List.of("fin_wait2", "10.0.0.7"), 9); // new label set: shown after binding again
        assertThat(meters.find("hourglass.tcp.connections").tag("state", "fin_wait2").gauge()).isNull();
        binder.bindTo(meters);
        assertThat(meters.get("hourglass.tcp.connections").tag("state", "fin_wait2").gauge().value()).isEqualTo(9);
        assertThat(meters.getMeters()).hasSize(3);
    }

    @Test
    void oneReadOfACallbackServesAllItsGaugesForASecond() {
        int[] runs = {0};
        hg.gauges("x", "X.", List.of("k"), () -> {
            runs[0]++;
            return Map.of(List.of("a"), 1, List.of("b"), 2, List.of("c"), 3);
        });
        new HourglassMeterBinder(hg).bindTo(meters);
        int afterBind = runs[0];
        double sum = 0;
        for (Meter m : meters.find("x").meters()) {
            sum += ((io.micrometer.core.instrument.Gauge) m).value();
        }
        assertThat(sum).isEqualTo(6);
        assertThat(runs[0]).isEqualTo(afterBind); // within the second: no new run
    }

    @Test
    void aFailingCallbackDoesNotStopTheOtherFamiliesFromBinding() {
        hg.gauges("broken", "B.", List.of("k"), () -> {
            throw new IllegalStateException("cannot read /proc/net/tcp");
        });
        hg.counter("ok_total", "OK.").labels().inc();
        new HourglassMeterBinder(hg).bindTo(meters);
        assertThat(meters.get("ok").functionCounter().count()).isEqualTo(1);
        assertThat(meters.find("broken").meters()).isEmpty();
    }

    @Test
    void bindingAgainAddsChildrenMadeSinceWithoutDuplicating() {
        Counter c = hg.counter("hourglass_client_connections_opened_total", "Opened.", "host");
        c.labels("a.example").inc();
        HourglassMeterBinder binder = new HourglassMeterBinder(hg);
        binder.bindTo(meters);
        assertThat(meters.getMeters()).hasSize(1);

        c.labels("b.example").add(5);
        binder.bindTo(meters);
        assertThat(meters.getMeters()).hasSize(2);
        assertThat(meters.get("hourglass.client.connections.opened").tag("host", "b.example")
                .functionCounter().count()).isEqualTo(5);
        assertThat(meters.get("hourglass.client.connections.opened").tag("host", "a.example")
                .functionCounter().count()).isEqualTo(1);
    }

    @Test
    void leMatchesThePrometheusText() {
        assertThat(HourglassMeterBinder.le(1.0)).isEqualTo("1");
        assertThat(HourglassMeterBinder.le(10)).isEqualTo("10");
        assertThat(HourglassMeterBinder.le(0.0025)).isEqualTo("0.0025");
        assertThat(HourglassMeterBinder.le(0.0001)).isEqualTo("0.0001");
        hg.histogram("h_seconds", "H.");
        String text = hg.toPrometheusText();
        for (double b : Histogram.defaultSecondsBuckets()) {
            assertThat(text).contains("h_seconds_bucket{le=\"" + HourglassMeterBinder.le(b) + "\"}");
        }
    }
}
