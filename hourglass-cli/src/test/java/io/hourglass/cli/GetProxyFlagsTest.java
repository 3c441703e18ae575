package io.hourglass.cli;

import static io.hourglass.cli.GetCliTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.testing.RawPeer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code hourglass get} with curl's proxy flags (issue 13), against scripted proxies: -x with -U (absolute form,
 * Basic credentials), --noproxy, and curl's exit codes for a refused tunnel (56) and a failed SOCKS5 proxy (97).
 */
class GetProxyFlagsTest {
    final List<String> heads = new CopyOnWriteArrayList<>();

    @Test
    void dashXSendsTheRequestToTheProxyWithDashUsCredentials() throws Exception {
        try (RawPeer proxy = RawPeer.server(c -> {
            heads.add(c.readHead());
            c.send("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nproxied\n");
        })) {
            CliRun r = get("-s", "-x", "127.0.0.1:" + proxy.port(), "-U", "ann:p@ss", "http://origin.test/x");
            assertThat(r.code()).isZero();
            assertThat(r.stdout()).isEqualTo("proxied\n");
            assertThat(heads.get(0)).startsWith("GET http://origin.test/x HTTP/1.1\r\n")
                    .contains("\r\nProxy-Authorization: Basic YW5uOnBAc3M=\r\n");
        }
    }

    @Test
    void noproxyListsHostsThatGoDirect() throws Exception {
        try (RawPeer proxy = RawPeer.server(c -> {
                    heads.add(c.readHead());
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nproxy\n");
                });
                RawPeer origin = RawPeer.server(c -> {
                    c.readHead();
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\ndirect\n");
                })) {
            CliRun r = get("-s", "-x", "127.0.0.1:" + proxy.port(), "--noproxy", "localhost,127.0.0.0/8",
                    origin.url("/d"));
            assertThat(r.stdout()).isEqualTo("direct\n");
            assertThat(heads).isEmpty();
        }
    }

    @Test
    void aRefusedTunnelExits56AndAFailedSocksProxy97() throws Exception {
        try (RawPeer proxy = RawPeer.server(c -> {
            c.readHead();
            c.send("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        })) {
            CliRun r = get("-x", "http://127.0.0.1:" + proxy.port(), "https://origin.test/");
            assertThat(r.code()).isEqualTo(56);
            assertThat(r.stderr()).contains("refused the tunnel to origin.test:443: 403 Forbidden");
        }
        try (RawPeer socks = RawPeer.server(c -> {
            c.readBytes(3);
            c.send(new byte[] {5, (byte) 0xff}); // no acceptable method
        })) {
            CliRun r = get("-x", "socks5://127.0.0.1:" + socks.port(), "http://origin.test/");
            assertThat(r.code()).isEqualTo(97);
            assertThat(r.stderr()).contains("SOCKS5 proxy").contains("requires authentication");
        }
    }

    @Test
    void aBadProxyUrlIsAUsageError() {
        CliRun r = get("-x", "ftp://proxy", "http://origin.test/");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.stderr()).contains("must be http, socks5 or socks5h");
    }
}
