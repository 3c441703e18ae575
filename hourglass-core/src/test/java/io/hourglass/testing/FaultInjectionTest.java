package io.hourglass.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.client.Client;
import io.hourglass.client.ClientConfig;
import io.hourglass.client.ClientRequest;
import io.hourglass.client.ClientResponse;
import io.hourglass.client.RequestBody;
import io.hourglass.client.TimeoutPolicy;
import io.hourglass.server.Router;
import io.hourglass.server.Server;
import io.hourglass.server.ServerConfig;
import io.hourglass.testing.FaultProxy.Fault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hourglass's client and server with a {@link FaultProxy} between them (docs/ROBUSTNESS.md, "Faults"). For each
 * fault, nine calls (fast GETs, POSTs with a body, GETs whose handler takes 300 ms; three at a time) go
 * through the broken connections, and then:
 * <ul>
 *   <li>no POST was handled twice, no GET more than twice (one retry of an idempotent call that received
 *       nothing), and every 2xx response carries the id of its own request (no answer went to the wrong call);
 *   <li>every call ended (a response or an error) within its timeout: none hangs;
 *   <li>the pool lost no capacity: once the drains of late answers are over, with the fault off, as many calls
 *       as the per-host cap run at once;
 *   <li>once the client is closed, the server's connection gauge and the client's gauges return to zero by
 *       themselves (the server's own timeouts, not the proxy's close), and then the process has no more file
 *       descriptors and no more threads (virtual ones included) than before the client was made.
 * </ul>
 */
class FaultInjectionTest {
    private static final int CAP = 3;
    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    private Server server;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        Router r = new Router()
                .get("/id", (req, res) -> res.send(count(req.queryParam("id"))))
                .post("/id", (req, res) -> res.send(count(new String(req.body().readAllBytes(), StandardCharsets.UTF_8))))
                .get("/slow", (req, res) -> {
                    String id = count(req.queryParam("id"));
                    Thread.sleep(300); // a slow answer, for the faults to land on
                    res.send(id);
                });
        server = Server.start(ServerConfig.builder().host("127.0.0.1").port(0)
                .readHeaderTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1))
                .writeTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(1))
                .handlerTimeout(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofSeconds(1)).build(), r);
        proxy = FaultProxy.start(server.port());
        // warm up what the JVM creates once and keeps (classes, the deadline timer, the virtual-thread I/O
        // pollers' descriptors, the thread dump's machinery): none of it may count as a leak later
        try (Client c = new Client()) {
            run(c, "warm", 6);
        }
        threads();
        fds();
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.shutdown();
    }

    private String count(String id) {
        handled.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        return id;
    }

    private String url(String pathAndQuery) {
        return "http://127.0.0.1:" + proxy.port() + pathAndQuery;
    }

    record Outcome(String id, String kind, int status, String body, long millis, String error) {}

    @ParameterizedTest(name = "{0} after {1} bytes, {2}")
    @CsvSource({
        "NONE,               0, DRAIN",
        "RESET_MID_REQUEST, 40, DRAIN",
        "RESET_MID_RESPONSE, 40, DRAIN",
        "HALF_CLOSE,        40, DRAIN",
        "STALL,             40, DRAIN",
        "STALL,             40, CLOSE",
        "DROP,              40, DRAIN",
        "DROP,              40, CLOSE",
        "DELAY_FIN,          0, DRAIN",
    })
    void faultsLeakNothingAndNoCallIsHandledTwiceOrAnsweredWrongly(Fault fault, long after, TimeoutPolicy policy)
            throws Exception {
        long fds0 = fds();
        int threads0 = threads();
        ClientConfig cfg = ClientConfig.builder().timeout(Duration.ofMillis(1000))
                .poolWaitTimeout(Duration.ofSeconds(3)).maxConnsPerHost(CAP).timeoutPolicy(policy)
                .drainTimeout(Duration.ofSeconds(1)).build();
        Client client = new Client(cfg);
        proxy.fault(fault, after);

        List<Outcome> outcomes = run(client, fault.name(), 9);

        // every call ended in time, and no answer belongs to another call
        for (Outcome o : outcomes) {
            assertThat(o.millis()).as("%s ended within its timeout", o).isLessThan(1000 + 1000);
            if (o.status() / 100 == 2) {
                assertThat(o.body()).as("%s got its own answer", o).isEqualTo(o.id());
                assertThat(handled.get(o.id())).as("%s was handled", o).isNotNull();
            }
            AtomicInteger n = handled.get(o.id());
            int times = n == null ? 0 : n.get();
            assertThat(times).as("%s handled at most once (twice for a retried GET)", o)
                    .isLessThanOrEqualTo(o.kind().equals("post") ? 1 : 2);
        }
        if (fault == Fault.NONE || fault == Fault.DELAY_FIN) {
            assertThat(outcomes).as("a fault after the response loses nothing").allMatch(o -> o.status() == 200);
        }

        // the pool kept its capacity: once the drains of late answers have ended (each within the drain
        // timeout), CAP calls at once, fault off
        await("draining connections", () -> (int) client.stats().draining(), 0);
        proxy.fault(Fault.NONE, 0);
        List<Outcome> after2 = run(client, fault + "-after", CAP);
        assertThat(after2).as("the pool lost no capacity").allMatch(o -> o.status() == 200);

        client.close();
        await("server connections", server::openConnections, 0);
        assertThat(clientGauges(client)).as("client connection gauges").isZero();
        proxy.close();
        await("file descriptors", () -> (int) fds(), (int) fds0);
        await("threads, virtual ones included", FaultInjectionTest::threads, threads0);
    }

    /** {@code n} calls of the three kinds, three at a time, each on a virtual thread. */
    private List<Outcome> run(Client client, String tag, int n) throws InterruptedException {
        List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.Semaphore three = new java.util.concurrent.Semaphore(3);
        for (int i = 0; i < n; i++) {
            String kind = switch (i % 3) { case 0 -> "get"; case 1 -> "post"; default -> "slow"; };
            String id = tag + "-" + kind + "-" + i;
            three.acquire();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(call(client, kind, id));
                } finally {
                    three.release();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return outcomes;
    }

    private Outcome call(Client client, String kind, String id) {
        ClientRequest req = switch (kind) {
            case "get" -> ClientRequest.get(url("/id?id=" + id));
            case "post" -> ClientRequest.post(url("/id"), RequestBody.of(id));
            default -> ClientRequest.get(url("/slow?id=" + id));
        };
        long t0 = System.nanoTime();
        try (ClientResponse res = client.send(req)) {
            String body = new String(res.bodyAsBytes(), StandardCharsets.UTF_8);
            return new Outcome(id, kind, res.status(), body, (System.nanoTime() - t0) / 1_000_000, null);
        } catch (IOException e) {
            return new Outcome(id, kind, 0, null, (System.nanoTime() - t0) / 1_000_000, e.toString());
        }
    }

    private static void await(String what, IntSupplier value, int atMost) throws InterruptedException {
        Await.until(what + " come back to " + atMost + " or fewer", Duration.ofSeconds(15),
                () -> value.getAsInt() <= atMost);
    }

    /** The sum of the client's hourglass_client_connections samples (every origin and state). */
    private static double clientGauges(Client client) {
        return client.metrics().toPrometheusText().lines()
                .filter(l -> l.startsWith("hourglass_client_connections{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static long fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every thread of the JVM, virtual threads included: the root thread container's count, which walks no
     * stack. (A JSON thread dump did the same until it crashed Temurin 25.0.3's JVM in ThreadSnapshot, twice,
     * in full runs; the pom exports jdk.internal.vm to the tests for this.)
     */
    private static int threads() {
        try {
            Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
            Object root = containers.getMethod("root").invoke(null);
            Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
            return Math.toIntExact((long) container.getMethod("threadCount").invoke(root));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("counting threads needs --add-exports java.base/jdk.internal.vm", e);
        }
    }
}
