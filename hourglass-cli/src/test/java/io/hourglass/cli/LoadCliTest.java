package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code hourglass load} in-process against an Hourglass {@link Server} with the demo routes of
 * {@code hourglass serve}: the closed loop stays within its concurrency, the open loop's timeouts reuse
 * connections under DRAIN and open one each under CLOSE, and the table and JSON carry the fields.
 */
class LoadCliTest {
    Server server;

    @AfterEach
    void stop() {
        if (server != null) server.shutdown();
    }

    String serve(String path) throws IOException {
        // no handler timeout: a /sleep outlives the client's timeout, so its late response is there to drain
        server = Server.start(ServerConfig.builder().port(0).handlerTimeout(Duration.ZERO).build(), Serve.routes());
        return server.url() + path;
    }

    static CliRun load(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "load";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    /** A number in the JSON output, by dotted path ({@code connections.opened}); the objects are flat. */
    static long number(String json, String path) {
        int dot = path.indexOf('.');
        String scope = json;
        String key = path;
        if (dot > 0) {
            Matcher m = Pattern.compile("\"" + Pattern.quote(path.substring(0, dot)) + "\":\\{([^}]*)}").matcher(json);
            assertThat(m.find()).as("object %s in %s", path.substring(0, dot), json).isTrue();
            scope = m.group(1);
            key = path.substring(dot + 1);
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(\\d+)").matcher(scope);
        return m.find() ? Long.parseLong(m.group(1)) : 0; // absent from "timeouts"/"errors" means none
    }

    @Test
    void closedLoopSendsNCallsOnAtMostConcurrencyConnections() throws Exception {
        CliRun r = load(serve("/hello"), "-n", "200", "--concurrency", "4", "--json");
        assertThat(r.code()).isZero();
        String json = r.stdout().strip();
        assertThat(json).startsWith("{").endsWith("}").doesNotContain("\n");
        assertThat(number(json, "sent")).as(json).isEqualTo(200);
        assertThat(number(json, "completed.2xx")).as(json).isEqualTo(200);
        assertThat(number(json, "connections.opened")).as(json).isBetween(1L, 4L);
        assertThat(number(json, "connections.reused")).as(json).isEqualTo(200 - number(json, "connections.opened"));
        assertThat(json).contains("\"timeouts\":{}").contains("\"errors\":{}");
        assertThat(number(json, "peak_in_flight")).as(json).isBetween(1L, 4L);
    }

    /*
     * Open loop: 20 calls, one every 50ms, each given up after 300ms while /sleep answers after 400ms. Under
     * DRAIN a timed-out connection reads the late response and goes back to the pool at about 50i + 400ms,
     * so the calls from about 450ms on reuse those: about 9 connections for 20 calls (at most 15 leaves room
     * for a loaded machine). Under CLOSE every timeout closes its connection: 20. (With a 1s sleep no drain
     * would end before the last call starts at 950ms, and DRAIN, too, would open 20.)
     */
    @Test
    void openLoopTimeoutsUnderDrainReuseConnections() throws Exception {
        CliRun r = load(serve("/sleep?d=400ms"), "--rate", "20", "--duration", "1s", "--timeout", "300ms",
                "--policy", "drain", "--json");
        assertThat(r.code()).isZero();
        String json = r.stdout().strip();
        assertThat(number(json, "sent")).as(json).isEqualTo(20);
        assertThat(number(json, "timeouts.total")).as(json).isEqualTo(20);
        assertThat(number(json, "completed.2xx")).as(json).isZero();
        long opened = number(json, "connections.opened");
        assertThat(opened).as(json).isBetween(1L, 15L);
        assertThat(number(json, "connections.reused")).as(json).isEqualTo(20 - opened);
        assertThat(number(json, "connections.drained_reused")).as(json).isPositive();
    }

    @Test
    void openLoopTimeoutsUnderCloseOpenOneConnectionPerCall() throws Exception {
        CliRun r = load(serve("/sleep?d=400ms"), "--rate", "20", "--duration", "1s", "--timeout", "300ms",
                "--policy", "close", "--json");
        assertThat(r.code()).isZero();
        String json = r.stdout().strip();
        assertThat(number(json, "sent")).as(json).isEqualTo(20);
        assertThat(number(json, "timeouts.total")).as(json).isEqualTo(20);
        assertThat(number(json, "connections.opened")).as(json).isEqualTo(20);
        assertThat(number(json, "connections.reused")).as(json).isZero();
        assertThat(number(json, "connections.drained")).as(json).isZero();
        assertThat(number(json, "connections.closed")).as(json).isEqualTo(20);
    }

    @Test
    void tableNamesRequestsTimeoutsConnectionsAndLatency() throws Exception {
        CliRun r = load(serve("/hello"), "-n", "10", "--concurrency", "2");
        assertThat(r.code()).isZero();
        assertThat(r.stdout().lines().toList())
                .anySatisfy(l -> assertThat(l).startsWith("requests sent").contains(" 10 in "))
                .anySatisfy(l -> assertThat(l).startsWith("completed").contains("2xx 10"))
                .anySatisfy(l -> assertThat(l).matches("timeouts +0"))
                .anySatisfy(l -> assertThat(l).startsWith("connections").contains("opened"))
                .anySatisfy(l -> assertThat(l).startsWith("latency").contains("p50").contains("p99"));
        assertThat(r.stdout()).doesNotStartWith("{");
    }

    /*
     * 100 calls in 2 s, each answered after 800 ms: the generator keeps its schedule, so the send rate over the
     * sending window is the target; the last calls end about 800 ms after the window, and that wait is
     * reported apart. (Counted over the whole run, the rate would read 100 / 2.8 s = 36/s.)
     */
    @Test
    void sendRateIsOverTheSendingWindowAndTheWaitForTheLastCallsIsApart() throws Exception {
        String url = serve("/sleep?d=800ms");
        CliRun r = load(url, "--rate", "50", "--duration", "2s");
        assertThat(r.code()).isZero();
        Matcher sent = Pattern.compile("(?m)^requests sent +100 in ([\\d.]+)s: ([\\d.]+)/s \\(target 50/s\\)$").matcher(r.stdout());
        assertThat(sent.find()).as(r.stdout()).isTrue();
        assertThat(Double.parseDouble(sent.group(1))).as("sending window, s").isBetween(2.0, 2.3);
        assertThat(Double.parseDouble(sent.group(2))).as("send rate, /s").isBetween(43.0, 50.0);
        Matcher waited = Pattern.compile("(?m)^then waited +([\\d.]+)s for the calls still in flight$").matcher(r.stdout());
        assertThat(waited.find()).as(r.stdout()).isTrue();
        assertThat(Double.parseDouble(waited.group(1))).as("wait for the last calls, s").isBetween(0.7, 2.0);

        CliRun j = load(url, "--rate", "50", "--duration", "2s", "--json");
        String json = j.stdout();
        assertThat(json).containsPattern("\"send_s\":2\\.[0-2]\\d\\d,").containsPattern("\"send_rate\":(4[3-9]|50)\\.\\d,")
                .containsPattern("\"tail_s\":(0\\.[7-9]|1\\.\\d)\\d\\d,").contains("\"left_in_flight\":0");
    }

    @Test
    void withNothingCompletedThePercentilesReadNotApplicable() throws Exception {
        String url = serve("/sleep?d=1s");
        CliRun r = load(url, "--rate", "10", "--duration", "500ms", "--timeout", "200ms");
        assertThat(r.code()).isZero();
        assertThat(r.stdout().lines().toList()).contains("latency (completed)  p50 n/a  p90 n/a  p99 n/a  max n/a");
        CliRun j = load(url, "--rate", "10", "--duration", "500ms", "--timeout", "200ms", "--json");
        assertThat(j.stdout()).contains("\"latency_ms\":{\"p50\":null,\"p90\":null,\"p99\":null,\"max\":null}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            open and closed loop    | --rate 10 --duration 1s -n 5       | either
            rate without duration   | --rate 10                          | --duration
            unknown policy          | --rate 10 --duration 1s --policy bogus | --policy
            """)
    void usageErrorsExit2WithOneLine(String name, String flags, String mentions) throws Exception {
        int port = GetCliTest.freePort(); // nothing listens: a run that started would count refusals, not exit 2
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("http://127.0.0.1:" + port + "/"));
        args.addAll(java.util.List.of(flags.trim().split("\\s+")));
        CliRun r = load(args.toArray(String[]::new));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.stderrLines()).hasSize(1);
        assertThat(r.stderrLines().get(0)).startsWith("hourglass load: ").contains(mentions);
        assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.stdout()).isEmpty();
    }
}
