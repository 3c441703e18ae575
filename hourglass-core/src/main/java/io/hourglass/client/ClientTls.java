package io.hourglass.client;

import io.hourglass.internal.tls.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A client's TLS context, and what it takes to say why a handshake failed (issue 13): whether the server
 * asked for a client certificate (a key manager that notes the question), and whether it answered in plain
 * HTTP (the first bytes read, kept by the socket).
 */
final class ClientTls {
    /** What one handshake saw, noted by the key manager on the handshaking thread. */
    static final class Handshake {
        boolean certificateRequested;
        boolean certificateSent;
    }

    private static final ThreadLocal<Handshake> CURRENT = new ThreadLocal<>();

    private ClientTls() {}

    /**
     * The context for a client's https connections: the config's own, else one made of the config's files or
     * of the JDK's defaults, with a key manager that notes a server's request for a client certificate. The
     * JVM's default context is used as it is when {@code javax.net.ssl.keyStore} names a client key store.
     */
    static SSLContext context(ClientConfig cfg) throws IOException {
        if (cfg.sslContext() != null) {
            return cfg.sslContext();
        }
        if (cfg.trustedCaFile() == null && cfg.clientCertificateFile() == null
                && System.getProperty("javax.net.ssl.keyStore") != null) {
            try {
                return SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new IOException("no default TLS context: " + e.getMessage(), e);
            }
        }
        X509KeyManager keys = cfg.clientCertificateFile() == null ? null
                : Pem.keyManager(cfg.clientCertificateFile(), cfg.clientKeyFile());
        TrustManager[] trust = Pem.trustManagers(cfg.trustedCaFile(), cfg.trustDefaultCas()); // null: the JDK's
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new Noting(keys)}, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /** Starts noting for a handshake on this thread. */
    static Handshake begin() {
        Handshake h = new Handshake();
        CURRENT.set(h);
        return h;
    }

    static void end() {
        CURRENT.remove();
    }

    /**
     * Why a handshake or the first exchange on a new TLS connection failed, in words, or null when nothing
     * better than the JDK's message is known.
     */
    static String explain(IOException e, Handshake h, Sniffing sniff) {
        if (sniff != null && sniff.plainHttp()) {
            return "server answered in plain HTTP (\"" + sniff.first() + "...\"): this port speaks http://, not https://";
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        boolean certAlert = m.contains("certificate_required") || m.contains("bad_certificate");
        if (h != null && h.certificateRequested && !h.certificateSent || h == null && m.contains("certificate_required")) {
            return "the server requires a client certificate and this client has none (ClientConfig clientCertificate "
                    + "or sslContext)";
        }
        if (h != null && h.certificateRequested && certAlert) {
            return "the server refused the client certificate";
        }
        return null;
    }

    /** A key manager that notes on the handshaking thread that the server asked for a certificate. */
    private static final class Noting extends X509ExtendedKeyManager {
        private final X509KeyManager delegate;

        Noting(X509KeyManager delegate) {
            this.delegate = delegate;
        }

        private String noted(String alias) {
            Handshake h = CURRENT.get();
            if (h != null) {
                h.certificateRequested = true;
                h.certificateSent |= alias != null;
            }
            return alias;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return noted(delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return noted(delegate instanceof X509ExtendedKeyManager x ? x.chooseEngineClientAlias(keyType, issuers, engine)
                    : null);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null; // a client's
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate == null ? null : delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate == null ? null : delegate.getPrivateKey(alias);
        }
    }

    /**
     * The socket under a client's TLS layer: it keeps the first bytes the TLS layer reads from it (the JDK's
     * layered SSLSocket reads through {@link #getInputStream()}), to tell a server that answered in plain HTTP
     * from other failures, and it reads ahead ({@link TlsInput}): the TLS layer reads each record in two reads
     * (its 5-byte header, then the rest), which would otherwise be two system calls per record.
     */
    static final class Sniffing extends Socket {
        private TlsInput in; // made at the TLS layer's first read, on the dialing thread

        @Override
        public InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new TlsInput(super.getInputStream());
            }
            return in;
        }

        boolean plainHttp() {
            return in != null && in.plainHttp();
        }

        String first() {
            return in == null ? "" : in.first();
        }
    }
}
