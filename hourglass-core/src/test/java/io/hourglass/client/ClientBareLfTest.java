package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.RawPeer;
import org.junit.jupiter.api.Test;

/**
 * The client accepts a response head whose lines end with a bare LF (RFC 9112 section 2.2 allows a recipient
 * to; Go, OkHttp and curl do) and keeps the connection for the next call (issue 13). The server stays strict
 * ({@code H1ParserRejectTest}).
 */
class ClientBareLfTest {

    @Test
    void aResponseHeadWithBareLfLineEndsIsReadAndTheConnectionReused() throws Exception {
        try (RawPeer server = RawPeer.server(c -> {
                    for (int i = 0; i < 2; i++) {
                        c.readHead();
                        c.send("HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 3\n\nab" + i);
                    }
                    c.in().read();
                });
                Client client = new Client()) {
            for (int i = 0; i < 2; i++) {
                try (ClientResponse r = client.send(ClientRequest.get(server.url("/")))) {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("Content-Type")).isEqualTo("text/plain");
                    assertThat(r.bodyAsString()).isEqualTo("ab" + i);
                    assertThat(r.reused()).isEqualTo(i == 1);
                }
            }
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

}
