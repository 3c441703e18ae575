package io.hourglass.client;

import static io.hourglass.client.H2ClientTest.clientError;
import static io.hourglass.client.H2ClientTest.send;
import static io.hourglass.client.H2ClientTest.timeoutOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import io.hourglass.internal.h2.Settings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 client against servers that misbehave, each failure with the typed error expected: a server
 * that stops answering (blackhole), a GOAWAY mid-run, refused streams, a window that never opens, and the
 * client's own timeouts, which reset the stream and keep the connection.
 */
class H2FaultTest {
    /** Records the HTTP/2 events. */
    static final class Events implements EventListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void streamReset(long connectionId, int streamId, boolean byServer, String errorCode) {
            seen.add("reset " + streamId + (byServer ? " by server " : " by client ") + errorCode);
        }

        @Override
        public void pingSent(long connectionId, String reason) {
            seen.add("ping " + reason);
        }

        @Override
        public void pingAcked(long connectionId, long rttNanos) {
            seen.add("ping acked");
        }

        @Override
        public void pingTimedOut(long connectionId) {
            seen.add("ping timed out");
        }

        @Override
        public void goAwayReceived(long connectionId, int lastStreamId, String errorCode) {
            seen.add("goaway " + lastStreamId + " " + errorCode);
        }
    }

    static ClientConfig.Builder cfg() {
        return ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(10));
    }

    @Test
    void aBlackholedServerIsFoundWithinReadIdlePlusPingTimeout() throws Exception {
        Duration readIdle = Duration.ofMillis(300);
        Duration pingTimeout = Duration.ofMillis(200);
        Events ev = new Events();
        try (H2Peer peer = new H2Peer(); Client c = new Client(cfg().http2ReadIdleTimeout(readIdle)
                .http2PingTimeout(pingTimeout).listener(ev).build())) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> send(c, peer.url("/stuck")));
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.blackhole(); // no FIN, no RST: it just stops answering
            long start = System.nanoTime();
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> f.get(10, TimeUnit.SECONDS));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            HttpTimeoutException e = timeoutOf(t);
            assertThat(e).as("a timeout in %s", t).isNotNull();
            assertThat(e.phase()).isEqualTo(Phase.PING);
            assertThat(e.getMessage()).contains("stream 1").contains("connection #");
            // Detected within read idle + ping timeout: never earlier, and not much later (the timer's slack).
            assertThat(tookMs).isBetween(readIdle.plus(pingTimeout).toMillis() - 50, readIdle.plus(pingTimeout).toMillis() + 400);
            assertThat(ev.seen).containsSubsequence("ping idle", "ping timed out");
            assertThat(c.stats().timeouts(Phase.PING)).isEqualTo(1);
            assertThat(c.metrics().toString()).isNotNull();
        }
    }

    @Test
    void goAwayMidRunRetriesTheUnprocessedStreamsAndFinishesTheOthers() throws Exception {
        Events ev = new Events();
        try (H2Peer peer = new H2Peer(); Client c = new Client(cfg().listener(ev).build())) {
            CompletableFuture<ClientResponse> a = CompletableFuture.supplyAsync(() -> send(c, peer.url("/a")));
            H2Peer.Session s1 = peer.accept();
            assertThat(s1.expect(Frame.HEADERS).streamId()).isEqualTo(1);
            CompletableFuture<ClientResponse> b = CompletableFuture.supplyAsync(() -> send(c, peer.url("/b")));
            assertThat(s1.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            s1.goAway(1, ErrorCode.NO_ERROR); // stream 3 was never processed
            H2Peer.Session s2 = peer.accept(); // b is retried on a new connection
            H2Peer.In retried = s2.expect(Frame.HEADERS);
            assertThat(retried.field(":path")).isEqualTo("/b");
            s2.respond(retried.streamId(), "b2");
            s1.respond(1, "a1"); // stream 1 finishes on the old connection
            try (ClientResponse ra = a.get(10, TimeUnit.SECONDS); ClientResponse rb = b.get(10, TimeUnit.SECONDS)) {
                assertThat(ra.bodyAsString()).isEqualTo("a1");
                assertThat(rb.bodyAsString()).isEqualTo("b2");
                assertThat(rb.connectionId()).isNotEqualTo(ra.connectionId());
            }
            assertThat(ev.seen).contains("goaway 1 NO_ERROR");
            // The old connection takes no new stream: a third call goes to the new one.
            CompletableFuture<ClientResponse> third = CompletableFuture.supplyAsync(() -> send(c, peer.url("/c")));
            H2Peer.In h = s2.expect(Frame.HEADERS);
            s2.respond(h.streamId(), "c");
            try (ClientResponse r = third.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("c");
            }
            // With its last stream done, the connection that went away is closed.
            assertThat(s1.expect(Frame.GOAWAY)).isNotNull();
        }
    }

    @Test
    void aRefusedStreamIsRetriedOnce() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = new Client(cfg().build())) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.post(peer.url("/once"), RequestBody.of("x"))); // not idempotent
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.rst(1, ErrorCode.REFUSED_STREAM);
            H2Peer.In again = s.expect(Frame.HEADERS);
            assertThat(again.streamId()).isEqualTo(3);
            s.expect(Frame.DATA);
            s.respond(3, "done");
            try (ClientResponse r = f.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("done");
            }
            // Refused twice: the second refusal is the caller's error.
            CompletableFuture<ClientResponse> g = CompletableFuture.supplyAsync(() -> send(c, peer.url("/never")));
            s.rst(s.expect(Frame.HEADERS).streamId(), ErrorCode.REFUSED_STREAM);
            s.rst(s.expect(Frame.HEADERS).streamId(), ErrorCode.REFUSED_STREAM);
            ClientException e = clientError(() -> g.get(10, TimeUnit.SECONDS));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.STREAM_RESET);
            assertThat(e).hasMessageContaining("REFUSED_STREAM");
            assertThat(s.poll(Frame.HEADERS, Duration.ofMillis(200))).as("no third try").isNull();
        }
    }

    @Test
    void aWindowThatNeverOpensTimesOutTheCallAndKeepsTheConnection() throws Exception {
        Settings zeroWindow = Settings.DEFAULTS.with(Settings.INITIAL_WINDOW_SIZE, 0);
        try (H2Peer peer = new H2Peer(zeroWindow); Client c = new Client(cfg().build())) {
            // A first call, so that the server's SETTINGS (a window of 0) are in force: before them the client
            // may send 65 535 bytes (RFC 9113 section 6.9.2).
            CompletableFuture<ClientResponse> warm = CompletableFuture.supplyAsync(() -> send(c, peer.url("/warm")));
            H2Peer.Session s = peer.accept();
            s.respond(s.expect(Frame.HEADERS).streamId(), "w");
            assertThat(warm.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("w");
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.builder("POST", java.net.URI.create(peer.url("/up")))
                            .body(RequestBody.of("stuck body")).timeout(Duration.ofMillis(300)).build());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            s.expect(Frame.HEADERS);
            long start = System.nanoTime();
            HttpTimeoutException e = timeoutOf(org.assertj.core.api.Assertions.catchThrowable(() -> f.get(10, TimeUnit.SECONDS)));
            assertThat(e).isNotNull();
            assertThat(e.phase()).isEqualTo(Phase.TOTAL);
            assertThat(e.getMessage()).contains("writing the request body").contains("stream 3");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
            H2Peer.In rst = s.expect(Frame.RST_STREAM);
            assertThat(rst.streamId()).isEqualTo(3);
            assertThat(rst.code()).isEqualTo(ErrorCode.CANCEL.code);
            // The connection is kept: the next call opens stream 5 on it.
            CompletableFuture<ClientResponse> g = CompletableFuture.supplyAsync(() -> send(c, peer.url("/next")));
            assertThat(s.expect(Frame.HEADERS).streamId()).isEqualTo(5);
            s.respond(5, "ok");
            try (ClientResponse r = g.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
            assertThat(peer.sessions).hasSize(1);
        }
    }

    @Test
    void aTimeoutResetsTheStreamPingsAndHoldsTheSlotUntilTheAck() throws Exception {
        Events ev = new Events();
        Settings one = Settings.DEFAULTS.with(Settings.MAX_CONCURRENT_STREAMS, 1);
        try (H2Peer peer = new H2Peer(one); Client c = new Client(cfg().listener(ev)
                .http2StrictMaxConcurrentStreams(true).build())) {
            H2Peer.Session s;
            CompletableFuture<ClientResponse> warm = CompletableFuture.supplyAsync(() -> send(c, peer.url("/warm")));
            s = peer.accept();
            s.respond(s.expect(Frame.HEADERS).streamId(), "w");
            assertThat(warm.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("w");
            s.blackhole(); // answers nothing from now on, PINGs included
            CompletableFuture<ClientResponse> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.builder("GET", java.net.URI.create(peer.url("/slow")))
                            .responseHeaderTimeout(Duration.ofMillis(200)).build());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThat(s.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            HttpTimeoutException e = timeoutOf(org.assertj.core.api.Assertions.catchThrowable(() -> slow.get(10, TimeUnit.SECONDS)));
            assertThat(e.phase()).isEqualTo(Phase.RESPONSE_HEADERS);
            assertThat(e.getMessage()).contains("stream 3");
            assertThat(s.expect(Frame.RST_STREAM).code()).isEqualTo(ErrorCode.CANCEL.code);
            assertThat(s.expect(Frame.PING)).isNotNull(); // nothing read since stream 3 began: is the server there?
            assertThat(ev.seen).contains("reset 3 by client CANCEL", "ping reset");
            // The reset stream keeps the only slot until the ACK: a new call waits (strict) instead of opening stream 5.
            CompletableFuture<ClientResponse> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.builder("GET", java.net.URI.create(peer.url("/next")))
                            .timeout(Duration.ofMillis(400)).build());
                } catch (Exception ex) {
                    throw new RuntimeException(ex);
                }
            });
            assertThat(s.poll(Frame.HEADERS, Duration.ofMillis(300))).isNull();
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> next.get(10, TimeUnit.SECONDS));
            assertThat(H2ClientTest.phaseOf(t)).isEqualTo(Phase.POOL_WAIT);
        }
    }

    @Test
    void aPingAckFreesTheSlotOfAResetStream() throws Exception {
        Events ev = new Events();
        Settings one = Settings.DEFAULTS.with(Settings.MAX_CONCURRENT_STREAMS, 1);
        try (H2Peer peer = new H2Peer(one); Client c = new Client(cfg().listener(ev)
                .http2StrictMaxConcurrentStreams(true).build())) {
            // A first call, so that the SETTINGS exchange is over: nothing is read during the next one.
            CompletableFuture<ClientResponse> warm = CompletableFuture.supplyAsync(() -> send(c, peer.url("/warm")));
            H2Peer.Session s = peer.accept();
            s.respond(s.expect(Frame.HEADERS).streamId(), "w");
            assertThat(warm.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("w");
            CompletableFuture<ClientResponse> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.send(ClientRequest.builder("GET", java.net.URI.create(peer.url("/slow")))
                            .timeout(Duration.ofMillis(200)).build());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            s.expect(Frame.HEADERS);
            assertThat(H2ClientTest.phaseOf(org.assertj.core.api.Assertions.catchThrowable(() -> slow.get(10, TimeUnit.SECONDS))))
                    .isEqualTo(Phase.TOTAL);
            s.expect(Frame.RST_STREAM);
            // The peer answers the PING: the slot is free again and the next call gets stream 5 at once.
            CompletableFuture<ClientResponse> next = CompletableFuture.supplyAsync(() -> send(c, peer.url("/next")));
            assertThat(s.expect(Frame.HEADERS).streamId()).isEqualTo(5);
            s.respond(5, "ok");
            try (ClientResponse r = next.get(10, TimeUnit.SECONDS)) {
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
            assertThat(ev.seen).containsSubsequence("ping reset", "ping acked");
            assertThat(peer.sessions).hasSize(1);
        }
    }

    @Test
    void atTheStreamLimitCallsOpenAnotherConnectionUnlessStrict() throws Exception {
        Settings one = Settings.DEFAULTS.with(Settings.MAX_CONCURRENT_STREAMS, 1);
        try (H2Peer peer = new H2Peer(one); Client c = new Client(cfg().maxConnsPerHost(2).build())) {
            H2Peer.Session s1 = warmUp(c, peer); // the limit of 1 is in force from here (the client read it)
            CompletableFuture<ClientResponse> a = CompletableFuture.supplyAsync(() -> send(c, peer.url("/a")));
            assertThat(s1.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            CompletableFuture<ClientResponse> b = CompletableFuture.supplyAsync(() -> send(c, peer.url("/b")));
            H2Peer.Session s2 = peer.accept(); // a second connection, within maxConnsPerHost
            s2.respond(s2.expect(Frame.HEADERS).streamId(), "b");
            s1.respond(3, "a");
            assertThat(a.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("a");
            assertThat(b.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("b");
        }
        try (H2Peer peer = new H2Peer(one); Client c = new Client(cfg().maxConnsPerHost(2).poolWaitTimeout(Duration.ofSeconds(8))
                .http2StrictMaxConcurrentStreams(true).build())) {
            H2Peer.Session s1 = warmUp(c, peer);
            CompletableFuture<ClientResponse> a = CompletableFuture.supplyAsync(() -> send(c, peer.url("/a")));
            assertThat(s1.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            CompletableFuture<ClientResponse> b = CompletableFuture.supplyAsync(() -> send(c, peer.url("/b")));
            assertThat(s1.poll(Frame.HEADERS, Duration.ofMillis(200))).as("b waits for the slot").isNull();
            s1.respond(3, "a");
            assertThat(a.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("a"); // its stream ends: b goes now
            long freed = System.nanoTime();
            s1.respond(s1.expect(Frame.HEADERS).streamId(), "b");
            assertThat((System.nanoTime() - freed) / 1_000_000).as("b did not wait for a timeout").isLessThan(1000);
            assertThat(b.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("b");
            assertThat(peer.sessions).hasSize(1);
        }
    }

    @Test
    void aCallThatGivesUpWaitingForAStreamSlotSaysWhatHeldIt() throws Exception {
        Settings one = Settings.DEFAULTS.with(Settings.MAX_CONCURRENT_STREAMS, 1);
        try (H2Peer peer = new H2Peer(one); Client c = new Client(cfg().poolWaitTimeout(Duration.ofMillis(200))
                .http2StrictMaxConcurrentStreams(true).build())) {
            H2Peer.Session s = warmUp(c, peer);
            CompletableFuture<ClientResponse> a = CompletableFuture.supplyAsync(() -> send(c, peer.url("/a")));
            s.expect(Frame.HEADERS);
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> c.send(ClientRequest.get(peer.url("/b"))));
            assertThat(t).isInstanceOf(PoolTimeoutException.class);
            assertThat(((PoolTimeoutException) t).phase()).isEqualTo(Phase.POOL_WAIT);
            assertThat(t.getMessage()).contains("every stream slot of the 1 HTTP/2 connection(s)")
                    .contains("the server allows 1 per connection").contains("http2StrictMaxConcurrentStreams");
            s.respond(3, "a");
            assertThat(a.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("a");
        }
    }

    @Test
    void aCallCancelledAfterItGotASlotGivesTheSlotBack() throws Exception {
        // The listener interrupts the caller at the instant the pool hands it a stream slot, before HEADERS go:
        // the call fails CANCELLED with nothing sent, and the slot must go back (it leaked before, and the
        // next call then waited for a slot that never came).
        Settings one = Settings.DEFAULTS.with(Settings.MAX_CONCURRENT_STREAMS, 1);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        EventListener interrupter = new EventListener() {
            @Override
            public void poolAcquired(ClientRequest req, long connectionId, boolean reused, long waitedNanos) {
                if (armed.getAndSet(false)) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (H2Peer peer = new H2Peer(one); Client c = new Client(cfg().listener(interrupter)
                .poolWaitTimeout(Duration.ofSeconds(2)).http2StrictMaxConcurrentStreams(true).build())) {
            H2Peer.Session s = warmUp(c, peer);
            armed.set(true);
            CompletableFuture<ClientResponse> gone = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> { // a thread of its own: the interrupt stays set on it
                try {
                    gone.complete(c.send(ClientRequest.get(peer.url("/gone"))));
                } catch (Throwable t) {
                    gone.completeExceptionally(t);
                }
            });
            ClientException e = clientError(() -> gone.get(10, TimeUnit.SECONDS));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.CANCELLED);
            CompletableFuture<ClientResponse> next = CompletableFuture.supplyAsync(() -> send(c, peer.url("/next")));
            H2Peer.In h = s.expect(Frame.HEADERS);
            assertThat(h.streamId()).as("the cancelled call opened no stream").isEqualTo(3);
            s.respond(3, "next");
            assertThat(next.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("next");
        }
    }

    /** A first call on a new connection, answered: the server's SETTINGS are in force after it. */
    static H2Peer.Session warmUp(Client c, H2Peer peer) throws Exception {
        CompletableFuture<ClientResponse> warm = CompletableFuture.supplyAsync(() -> send(c, peer.url("/warm")));
        H2Peer.Session s = peer.accept();
        s.respond(s.expect(Frame.HEADERS).streamId(), "w");
        assertThat(warm.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("w");
        return s;
    }

    @Test
    void cancelResetsTheStream() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = new Client(cfg().build())) {
            Call call = c.newCall(ClientRequest.get(peer.url("/slow")));
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return call.execute();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            call.cancel();
            ClientException e = clientError(() -> f.get(10, TimeUnit.SECONDS));
            assertThat(e.kind()).isEqualTo(ClientException.Kind.CANCELLED);
            assertThat(s.expect(Frame.RST_STREAM).code()).isEqualTo(ErrorCode.CANCEL.code);
        }
    }

    @Test
    void closingABodyEarlyResetsOnlyItsStream() throws Exception {
        try (H2Peer peer = new H2Peer(); Client c = new Client(cfg().build())) {
            CompletableFuture<ClientResponse> f = CompletableFuture.supplyAsync(() -> send(c, peer.url("/big")));
            H2Peer.Session s = peer.accept();
            s.expect(Frame.HEADERS);
            s.headers(1, 200, false);
            s.data(1, new byte[1000], false);
            ClientResponse r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.body().read(new byte[10])).isEqualTo(10);
            r.close();
            assertThat(s.expect(Frame.RST_STREAM).streamId()).isEqualTo(1);
            CompletableFuture<ClientResponse> g = CompletableFuture.supplyAsync(() -> send(c, peer.url("/next")));
            assertThat(s.expect(Frame.HEADERS).streamId()).isEqualTo(3);
            s.respond(3, "ok");
            assertThat(g.get(10, TimeUnit.SECONDS).bodyAsString()).isEqualTo("ok");
        }
    }
}
