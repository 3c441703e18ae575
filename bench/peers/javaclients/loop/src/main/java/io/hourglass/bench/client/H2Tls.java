package io.hourglass.bench.client;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP/2 over TLS for the client peers: {@code bench/client-compare.sh --protocol h2} sets
 * {@code BENCH_H2_CA} to the PEM certificate of its nginx, which each peer trusts and speaks HTTP/2 to by
 * ALPN. Unset: HTTP/1.1 in clear text, as before.
 */
public final class H2Tls {
    private H2Tls() {}

    /** The CA file to trust for HTTP/2 over TLS, or null for HTTP/1.1. */
    public static Path ca() {
        String v = System.getenv("BENCH_H2_CA");
        return v == null || v.isEmpty() ? null : Path.of(v);
    }

    /** A key store holding the certificates of {@code pem}. */
    public static KeyStore trustStore(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        return ks;
    }

    public static X509TrustManager trustManager(Path pem) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore(pem));
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }

    public static SSLContext sslContext(Path pem) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {trustManager(pem)}, null);
        return ctx;
    }
}
