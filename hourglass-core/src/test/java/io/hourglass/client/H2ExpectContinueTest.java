package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.internal.h2.ErrorCode;
import io.hourglass.internal.h2.Frame;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Expect: 100-continue over HTTP/2 when a final status comes instead of 100 (RFC 9110 section 10.1.1): the
 * body is not sent, and the request's side of the stream is reset only once the response has come in full,
 * since a RST_STREAM sent earlier would make the client drop the rest of the response (RFC 9113 section 5.1).
 */
class H2ExpectContinueTest {
    @Test
    void aFinalStatusInsteadOf100IsReadToItsEndBeforeTheRequestSideIsReset() throws Exception {
        try (H2Peer peer = new H2Peer();
                Client client = new Client(ClientConfig.builder().protocols(Protocol.H2_PRIOR_KNOWLEDGE)
                        .timeout(Duration.ofSeconds(60)).build())) {
            ClientRequest req = ClientRequest.builder("POST", peer.url("/upload"))
                    .body(RequestBody.of(new byte[100_000])).expectContinue(true).build();
            var sent = ClientRequestTrailersTest.sendAsync(client, req);
            H2Peer.Session s = peer.accept();
            H2Peer.In head = ClientRequestTrailersTest.next(s, 1);
            assertThat(head.field("expect")).isEqualTo("100-continue");
            assertThat(head.endStream()).isFalse();
            s.headers(1, 403, false, "content-length", "12");
            // The caller has the head (and has decided not to send the body) before the response's DATA comes.
            ClientResponse r = sent.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(403);
            s.data(1, "not allowed\n", true);
            CompletableFuture<String> body = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.bodyAsString();
                } catch (java.io.IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("not allowed\n");
            r.close();
            H2Peer.In rst = ClientRequestTrailersTest.next(s, 1);
            assertThat(rst.type()).as("after the response: %s", rst).isEqualTo(Frame.RST_STREAM);
            assertThat(rst.code()).isEqualTo(ErrorCode.CANCEL.code);
            // The stream's slot came back: the next call goes on the same connection.
            var next = CompletableFuture.supplyAsync(() -> H2ClientTest.send(client, peer.url("/next")));
            ClientRequestTrailersTest.next(s, 3);
            s.respond(3, "ok");
            try (ClientResponse n = next.get(10, TimeUnit.SECONDS)) {
                assertThat(n.bodyAsString()).isEqualTo("ok");
            }
            assertThat(client.stats().opened()).isEqualTo(1);
        }
    }
}
