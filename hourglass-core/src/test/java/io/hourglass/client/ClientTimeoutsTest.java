package io.hourglass.client;

import io.hourglass.testing.Await;
import io.hourglass.testing.RawPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every client timeout and error kind against misbehaving loopback peers. Windows, not instants. */
class ClientTimeoutsTest {
    static final long SLACK_MS = 900;

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void responseHeaderTimeoutFiresWhenTheServerNeverAnswers() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    Thread.sleep(10_000); // a server that never answers
                });
             Client client = new Client(ClientConfig.builder().responseHeaderTimeout(Duration.ofMillis(500)).build())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(ClientRequest.get(srv.url("/never"))))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.RESPONSE_HEADERS);
                        assertThat(e.limit()).isEqualTo(Duration.ofMillis(500));
                        assertThat(e.getMessage()).startsWith("response headers not received within 500ms after")
                                .contains("GET " + srv.url("/never")).contains("connection #").contains(", new");
                    });
            assertThat(ms(t0)).isBetween(490L, 500 + SLACK_MS);
            assertThat(client.stats().timeouts(Phase.RESPONSE_HEADERS)).isEqualTo(1);
        }
    }

    @Test
    void totalTimeoutFiresOnTimeWhileTheBodyTricklesOneByteEvery200ms() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
                    for (int i = 0; i < 100; i++) {
                        c.out().write('x');
                        c.out().flush();
                        Thread.sleep(200); // pacing: a trickling body
                    }
                });
             Client client = new Client(ClientConfig.builder().timeout(Duration.ofSeconds(1)).build())) {
            long t0 = System.nanoTime();
            ClientResponse r = client.send(ClientRequest.get(srv.url("/trickle")));
            assertThat(r.status()).isEqualTo(200);
            InputStream body = r.body();
            assertThatThrownBy(() -> body.readAllBytes())
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(Phase.TOTAL);
                        assertThat(e.getMessage()).contains("while reading the body");
                    });
            assertThat(ms(t0)).isBetween(990L, 1000 + SLACK_MS);
        }
    }

    @Test
    void perRequestDeadlineOverridesTheClientTimeout() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    Thread.sleep(10_000); // a server that never answers
                });
             Client client = new Client()) {
            long t0 = System.nanoTime();
            ClientRequest req = ClientRequest.builder("GET", java.net.URI.create(srv.url("/x")))
                    .deadline(java.time.Instant.now().plusMillis(400)).build();
            assertThatThrownBy(() -> client.send(req))
                    .isInstanceOfSatisfying(HttpTimeoutException.class, e -> assertThat(e.phase()).isEqualTo(Phase.TOTAL));
            assertThat(ms(t0)).isBetween(390L, 400 + SLACK_MS);
        }
    }

    @Test
    void connectTimeoutFiresWhenTheServerAcceptsNothing() throws Exception {
        // A listener with a full accept queue drops new SYNs on Linux, so connect hangs.
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(ss.getLocalSocketAddress(), 200);
                        fillers.add(f);
                    } catch (IOException e) {
                        f.close();
                        break; // the queue is full
                    }
                }
                try (Client client = new Client(ClientConfig.builder().connectTimeout(Duration.ofMillis(500)).build())) {
                    long t0 = System.nanoTime();
                    assertThatThrownBy(() -> client.send(ClientRequest.get("http://127.0.0.1:" + ss.getLocalPort() + "/")))
                            .isInstanceOfSatisfying(HttpTimeoutException.class,
                                    e -> assertThat(e.phase()).isEqualTo(Phase.CONNECT));
                    assertThat(ms(t0)).isBetween(490L, 500 + SLACK_MS);
                }
            } finally {
                for (Socket f : fillers) f.close();
            }
        }
    }

    @Test
    void expectContinueTimeoutSendsTheBodyAnyway() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    String head = c.readHead();
                    assertThat(head).contains("Expect: 100-continue");
                    byte[] body = c.in().readNBytes(4); // never sends 100: the body comes after the client's timeout
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n" + new String(body));
                });
             Client client = new Client(ClientConfig.builder().expectContinueTimeout(Duration.ofMillis(300)).build())) {
            long t0 = System.nanoTime();
            ClientRequest req = ClientRequest.builder("POST", java.net.URI.create(srv.url("/up")))
                    .body(RequestBody.of("ping")).expectContinue(true).build();
            try (ClientResponse r = client.send(req)) {
                assertThat(r.bodyAsString()).isEqualTo("ping");
            }
            assertThat(ms(t0)).isBetween(290L, 300 + SLACK_MS);
            assertThat(client.stats().timeouts(Phase.EXPECT_CONTINUE)).as("not an error").isZero();
        }
    }

    @Test
    void expectContinueSendsTheBodyAfter100() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 100 Continue\r\n\r\n");
                    byte[] body = c.in().readNBytes(4);
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n" + new String(body));
                });
             Client client = new Client(ClientConfig.builder().expectContinueTimeout(Duration.ofSeconds(5)).build())) {
            long t0 = System.nanoTime();
            ClientRequest req = ClientRequest.builder("POST", java.net.URI.create(srv.url("/up")))
                    .body(RequestBody.of("pong")).expectContinue(true).build();
            try (ClientResponse r = client.send(req)) {
                assertThat(r.bodyAsString()).isEqualTo("pong");
            }
            assertThat(ms(t0)).isLessThan(2000);
        }
    }

    @Test
    void closeMidBodyIsAPrematureEof() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part");
                });
             Client client = new Client()) {
            ClientResponse r = client.send(ClientRequest.get(srv.url("/cut")));
            assertThatThrownBy(r::bodyAsBytes).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.PREMATURE_EOF));
        }
    }

    @Test
    void garbageIsAMalformedResponse() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.send("SSH-2.0-OpenSSH_9.2\r\n\r\n");
                });
             Client client = new Client()) {
            assertThatThrownBy(() -> client.send(ClientRequest.get(srv.url("/"))))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.MALFORMED);
                        assertThat(e.getMessage()).startsWith("malformed response");
                    });
        }
    }

    @Test
    void refusedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        try (Client client = new Client()) {
            assertThatThrownBy(() -> client.send(ClientRequest.get("http://127.0.0.1:" + port + "/")))
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ClientException.Kind.REFUSED);
                        assertThat(e.getMessage()).isEqualTo("connection refused: 127.0.0.1:" + port);
                    });
        }
    }

    @Test
    void resetIsReset() throws Exception {
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    c.socket().setSoLinger(true, 0);
                    c.socket().close(); // RST
                });
             Client client = new Client()) {
            assertThatThrownBy(() -> client.send(ClientRequest.get(srv.url("/"))))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.kind()).isIn(ClientException.Kind.RESET, ClientException.Kind.PREMATURE_EOF));
        }
    }

    @Test
    void cancelFromAnotherThreadEndsABlockedCallAtOnce() throws Exception {
        CountDownLatch requested = new CountDownLatch(1);
        try (RawPeer srv = RawPeer.server(c -> {
                    c.readHead();
                    requested.countDown();
                    Thread.sleep(10_000); // a server that never answers; the latch orders the cancel
                });
             Client client = new Client()) {
            Call call = client.newCall(ClientRequest.get(srv.url("/slow")));
            Thread caller = Thread.currentThread();
            Thread.ofVirtual().start(() -> {
                try {
                    requested.await(5, TimeUnit.SECONDS);
                    // The request is sent: the caller now waits for the response's first byte (parked on the
                    // reader thread's hand-off, or in its connection's selector), where the cancel must reach it.
                    Await.until("the caller waits for the response", () -> isParked(caller));
                } catch (InterruptedException | AssertionError e) {
                    // cancel anyway; an earlier cancel fails the call alike
                }
                call.cancel();
            });
            long t0 = System.nanoTime();
            assertThatThrownBy(call::execute).isInstanceOfSatisfying(ClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(ClientException.Kind.CANCELLED));
            assertThat(ms(t0)).isLessThan(3000);
        }
    }

    static boolean isParked(Thread t) {
        return Blocked.waiting(t);
    }
}
