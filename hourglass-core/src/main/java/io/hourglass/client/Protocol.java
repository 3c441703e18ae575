package io.hourglass.client;

/**
 * The HTTP versions a client may speak, in {@link ClientConfig#protocols()} and
 * {@link ClientRequest#protocols()} (OkHttp's {@code Protocol}).
 *
 * <ul>
 *   <li>Over TLS ({@code https}), the client offers {@link #HTTP_2} and {@link #HTTP_1_1} by ALPN as listed
 *       and speaks what the server picks; a server that does not take part in ALPN gets HTTP/1.1.</li>
 *   <li>In clear text ({@code http}) there is no negotiation: HTTP/1.1, unless the list is
 *       {@link #H2_PRIOR_KNOWLEDGE} alone, which speaks HTTP/2 from the first byte (h2c, RFC 9113 section 3.3).
 *       The deprecated {@code Upgrade: h2c} dance is never used.</li>
 * </ul>
 */
public enum Protocol {
    /** HTTP/1.1 (RFC 9112); ALPN id {@code http/1.1}. */
    HTTP_1_1("http/1.1"),
    /** HTTP/2 over TLS, chosen by ALPN (RFC 9113 section 3.2); ALPN id {@code h2}. */
    HTTP_2("h2"),
    /**
     * HTTP/2 without negotiation: in clear text (h2c) from the first byte, and over TLS with ALPN offering
     * {@code h2} alone (a server that does not pick it fails the handshake). Must be the only protocol listed.
     */
    H2_PRIOR_KNOWLEDGE("h2");

    private final String alpnId;

    Protocol(String alpnId) {
        this.alpnId = alpnId;
    }

    /** The ALPN protocol id. */
    String alpnId() {
        return alpnId;
    }
}
