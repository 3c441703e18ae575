package io.hourglass.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * PEM files for TLS: a server's identity (certificate chain and a PKCS#8 or PKCS#1 RSA key) and a client's
 * trusted CA certificates. Internal: not part of the API.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private Pem() {}

    public static SSLContext serverContext(Path certFile, Path keyFile) throws IOException {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("server", key, pw, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keyFile + " with the certificate in " + certFile
                    + ": " + e.getMessage(), e);
        }
    }

    public static List<Certificate> certificates(Path file) throws IOException {
        String text = read(file, "certificate");
        List<Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add(cf.generateCertificate(new ByteArrayInputStream(decode(m.group(2), file))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("bad certificate in " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
        }
        return out;
    }

    public static PrivateKey privateKey(Path file) throws IOException {
        String text = read(file, "private key");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = decode(m.group(2), file);
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(wrapPkcs1Rsa(der), file);
                }
                case "ENCRYPTED PRIVATE KEY" ->
                    throw new IOException("encrypted private keys are not supported: " + file
                            + " (decrypt it with: openssl pkcs8 -in KEY -out KEY.pem -nocrypt)");
                default -> { }
            }
        }
        throw new IOException("no PEM private key (-----BEGIN PRIVATE KEY----- or RSA PRIVATE KEY) in " + file);
    }

    /** A client context that trusts exactly the CA certificates in {@code caFile}. */
    public static SSLContext clientContext(Path caFile) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagers(caFile, false), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Trust managers for the CA certificates in {@code caFile} and, when {@code withDefaults}, the JDK's
     * default CAs too; null when {@code caFile} is null (the JDK's defaults).
     */
    public static javax.net.ssl.TrustManager[] trustManagers(Path caFile, boolean withDefaults) throws IOException {
        if (caFile == null) {
            return null;
        }
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (Certificate c : certificates(caFile)) {
                ts.setCertificateEntry("ca" + i++, c);
            }
            if (withDefaults) {
                for (Certificate c : defaultCas()) {
                    ts.setCertificateEntry("ca" + i++, c);
                }
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the certificates in " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** The X.509 key manager of a client presenting the certificate chain in {@code certFile} with {@code keyFile}'s key. */
    public static javax.net.ssl.X509KeyManager keyManager(Path certFile, Path keyFile) throws IOException {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            for (javax.net.ssl.KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof javax.net.ssl.X509KeyManager x) {
                    return x;
                }
            }
            throw new IOException("no X.509 key manager for " + certFile);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keyFile + " with the certificate in " + certFile
                    + ": " + e.getMessage(), e);
        }
    }

    /** The CA certificates the JDK trusts by default (its cacerts, or javax.net.ssl.trustStore). */
    private static List<Certificate> defaultCas() throws GeneralSecurityException {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<Certificate> out = new ArrayList<>();
        for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof javax.net.ssl.X509TrustManager x) {
                out.addAll(List.of(x.getAcceptedIssuers()));
            }
        }
        return out;
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws IOException {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new IOException("unsupported private key in " + file + " (expected RSA, EC or Ed25519)");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (RFC 5208) with the rsaEncryption OID. */
    private static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algId.length + octet.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algId, 0, body, version.length, algId.length);
        System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] len;
        if (n < 0x80) {
            len = new byte[] {(byte) n};
        } else if (n < 0x100) {
            len = new byte[] {(byte) 0x81, (byte) n};
        } else if (n < 0x10000) {
            len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        } else {
            len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        }
        byte[] out = new byte[1 + len.length + n];
        out[0] = (byte) tag;
        System.arraycopy(len, 0, out, 1, len.length);
        System.arraycopy(content, 0, out, 1 + len.length, n);
        return out;
    }

    private static byte[] decode(String base64, Path file) throws IOException {
        try {
            return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IOException("bad base64 in " + file, e);
        }
    }

    private static String read(Path file, String what) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(what + " file not found: " + file, e);
        } catch (IOException e) {
            throw new IOException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }
}
