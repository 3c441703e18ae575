package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.testing.RawPeer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Header fields the client used to own and drop silently are honoured or refused with a clear message
 * (issue 13): a caller's Host is sent instead of the URL's, {@code Connection: close} is sent and closes the
 * connection after the response, {@code Expect: 100-continue} waits for 100 Continue; other Connection
 * options and expectations, and the framing fields, are refused when the request is built.
 */
class ClientRequestHeadersTest {
    final List<String> heads = new CopyOnWriteArrayList<>();

    /** Answers every request with 200 "ok", reading a Content-Length body; sends 100 first when asked. */
    RawPeer server() throws Exception {
        return RawPeer.server(c -> {
            while (true) {
                String head = c.readHead();
                if (head == null) return;
                heads.add(head);
                if (head.contains("Expect: 100-continue")) {
                    c.send("HTTP/1.1 100 Continue\r\n\r\n");
                }
                int cl = head.indexOf("Content-Length: ");
                if (cl >= 0) {
                    int n = Integer.parseInt(head.substring(cl + 16, head.indexOf('\r', cl)));
                    byte[] body = c.readBytes(n);
                    heads.add("body:" + new String(body, StandardCharsets.UTF_8));
                }
                c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
    }

    @Test
    void aCallersHostIsSentInsteadOfTheUrls() throws Exception {
        try (RawPeer srv = server(); Client c = new Client()) {
            ClientRequest req = ClientRequest.builder("GET", srv.url("/x")).header("Host", "example.test:8443").build();
            try (ClientResponse r = c.send(req)) {
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
            assertThat(heads.get(0)).startsWith("GET /x HTTP/1.1\r\nHost: example.test:8443\r\n");
            assertThat(heads.get(0).split("(?i)\r\nHost:", -1)).hasSize(2);
        }
    }

    @Test
    void connectionCloseIsSentAndTheConnectionIsNotReused() throws Exception {
        try (RawPeer srv = server(); Client c = new Client()) {
            for (int i = 0; i < 2; i++) {
                ClientRequest req = ClientRequest.builder("GET", srv.url("/")).header("Connection", "close").build();
                try (ClientResponse r = c.send(req)) {
                    assertThat(r.bodyAsString()).isEqualTo("ok");
                    assertThat(r.reused()).isFalse();
                }
            }
            assertThat(heads).allMatch(h -> h.contains("\r\nConnection: close\r\n"));
            assertThat(srv.accepted()).isEqualTo(2);
        }
    }

    @Test
    void connectionKeepAliveIsSentAndTheConnectionReused() throws Exception {
        try (RawPeer srv = server(); Client c = new Client()) {
            for (int i = 0; i < 2; i++) {
                ClientRequest req = ClientRequest.builder("GET", srv.url("/")).header("connection", "Keep-Alive").build();
                try (ClientResponse r = c.send(req)) {
                    assertThat(r.bodyAsString()).isEqualTo("ok");
                }
            }
            assertThat(heads).allMatch(h -> h.contains("\r\nconnection: Keep-Alive\r\n"));
            assertThat(srv.accepted()).isEqualTo(1);
        }
    }

    @Test
    void anExpectHeaderWaitsForContinueBeforeTheBody() throws Exception {
        try (RawPeer srv = server(); Client c = new Client()) {
            ClientRequest req = ClientRequest.builder("PUT", srv.url("/"))
                    .header("Expect", "100-Continue").body(RequestBody.of("hello")).build();
            assertThat(req.expectContinue()).isTrue();
            try (ClientResponse r = c.send(req)) {
                assertThat(r.bodyAsString()).isEqualTo("ok");
            }
            assertThat(heads.get(0)).contains("\r\nExpect: 100-continue\r\n");
            assertThat(heads.get(1)).isEqualTo("body:hello");
        }
    }

    @Test
    void whatTheClientCannotHonourIsRefusedWhenTheRequestIsBuilt() {
        ClientRequest.Builder b = ClientRequest.builder("GET", URI.create("http://127.0.0.1:1/"));
        assertThatThrownBy(() -> b.header("Connection", "Upgrade")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Connection: only close or keep-alive may be set (the client manages connections), got \"Upgrade\"");
        assertThatThrownBy(() -> b.header("Expect", "something-else")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expect: only 100-continue");
        assertThatThrownBy(() -> b.header("Content-Length", "5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Content-Length is set from the body");
        assertThatThrownBy(() -> b.header("Transfer-Encoding", "chunked")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Transfer-Encoding is set from the body");
    }
}
