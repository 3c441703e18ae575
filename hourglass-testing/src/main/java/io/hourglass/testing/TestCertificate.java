package io.hourglass.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed X.509 certificate and its private key for tests, made in memory with nothing but the JDK (no
 * openssl, no keytool, no key checked in), and written once to PEM files that a server and a client can load.
 *
 * <pre>{@code
 * TestCertificate cert = TestCertificate.localhost();
 * Server server = Server.start(ServerConfig.builder().port(0)
 *         .tls(cert.certificateFile(), cert.keyFile()).build(), handler);
 * Client client = new Client(ClientConfig.builder()
 *         .trustedCaFile(cert.certificateFile(), false).build());   // trusts this certificate alone
 * client.send(ClientRequest.get("https://localhost:" + server.port() + "/"));
 * }</pre>
 *
 * <p><b>What it is.</b> An RSA 2048-bit key, and an X.509 v3 certificate signed with it (SHA256withRSA) for the
 * subject {@code CN=<first name>}, valid from an hour before it was made to two days after, with a critical
 * basic-constraints extension {@code CA:TRUE} (so that a peer may trust it as its own anchor, as
 * {@code openssl req -x509} makes them) and, for a server certificate, each name as a subject alternative name
 * (RFC 5280 section 4.2.1.6: a DNS name, or an IP address for an address literal), which is what hostname
 * verification matches; a client certificate ({@link #client}) has the extended key usage
 * {@code clientAuth} instead.
 *
 * <p><b>Once per JVM.</b> The methods that return one cache it by its names, so a test suite with many TLS test
 * classes pays one key generation (a tenth of a second or so) per distinct certificate, not one per class.
 * The files are in a temporary directory that is deleted when the JVM exits; do not change or delete them.
 * Thread-safe, and immutable once made.
 *
 * <p>For tests only: the key is not protected, and the certificate trusts nothing but itself.
 */
public final class TestCertificate {
    // Made ones by what they are: "server" and the names, or "client" and the common name.
    private static final ConcurrentHashMap<List<String>, TestCertificate> MADE = new ConcurrentHashMap<>();
    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Path certificateFile;
    private final Path keyFile;

    private TestCertificate(X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile) {
        this.certificate = certificate;
        this.key = key;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
    }

    /**
     * {@return the certificate of a server on this machine: {@code CN=localhost}, for the names
     * {@code localhost} and {@code 127.0.0.1}} The same instance for every call in a JVM.
     */
    public static TestCertificate localhost() {
        return server("localhost", "127.0.0.1");
    }

    /**
     * A server certificate for these names: the first is the subject's common name, and each is a subject
     * alternative name, an IP address when it is an address literal ({@code 127.0.0.1}, {@code ::1}) and a DNS
     * name otherwise. Made once per JVM for each list of names, in order.
     *
     * @param names the host names and addresses the certificate is for; at least one
     * @return the certificate
     * @throws IllegalArgumentException if there is no name, or one is blank
     */
    public static TestCertificate server(String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        for (String n : names) {
            if (n == null || n.isBlank()) {
                throw new IllegalArgumentException("a certificate's name must not be blank: " + Arrays.toString(names));
            }
        }
        List<String> key = new ArrayList<>(List.of("server"));
        key.addAll(List.of(names));
        return MADE.computeIfAbsent(List.copyOf(key), k -> make(names[0], subjectAltNames(names), false));
    }

    /**
     * A client certificate for mutual TLS: {@code CN=commonName}, with the extended key usage
     * {@code clientAuth} and no alternative name. Made once per JVM for each name.
     *
     * @param commonName the subject's common name, e.g. a user's
     * @return the certificate
     * @throws IllegalArgumentException if the name is blank
     */
    public static TestCertificate client(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate's name must not be blank");
        }
        return MADE.computeIfAbsent(List.of("client", commonName), k -> make(commonName, null, true));
    }

    /** {@return the certificate} */
    public X509Certificate certificate() {
        return certificate;
    }

    /** {@return the certificate's private key (RSA)} */
    public PrivateKey privateKey() {
        return key;
    }

    /** {@return a PEM file with the certificate ({@code -----BEGIN CERTIFICATE-----})} */
    public Path certificateFile() {
        return certificateFile;
    }

    /** {@return a PEM file with the private key, PKCS#8 and unencrypted ({@code -----BEGIN PRIVATE KEY-----})} */
    public Path keyFile() {
        return keyFile;
    }

    /**
     * A TLS context that trusts this certificate and nothing else, for a client other than Hourglass's (the
     * JDK's {@code HttpClient}, an {@code SSLSocket}); Hourglass's own client takes
     * {@code ClientConfig.Builder.trustedCaFile(certificateFile(), false)}.
     *
     * @return a new TLS context
     */
    public SSLContext trustingContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("test", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a TLS context trusting " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
    }

    // ---- making one ----

    private static TestCertificate make(String commonName, byte[] subjectAltNames, boolean clientAuth) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            byte[] tbs = tbsCertificate(commonName, subjectAltNames, clientAuth, pair);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(pair.getPrivate());
            signer.update(tbs);
            byte[] der = Der.sequence(tbs, algorithm(), Der.bits(signer.sign()));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            cert.verify(pair.getPublic()); // what a peer will check: the signature over what was encoded
            Path dir = Files.createTempDirectory("hourglass-test-certificate");
            dir.toFile().deleteOnExit(); // registered first: deleted last, once the files are gone
            Path certFile = write(dir.resolve("cert.pem"), "CERTIFICATE", der);
            Path keyFile = write(dir.resolve("key.pem"), "PRIVATE KEY", pair.getPrivate().getEncoded());
            return new TestCertificate(cert, pair.getPrivate(), certFile, keyFile);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate for " + commonName + ": " + e, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a test certificate for " + commonName, e);
        }
    }

    /** RFC 5280 section 4.1.2: what the signature covers. */
    private static byte[] tbsCertificate(String commonName, byte[] subjectAltNames, boolean clientAuth,
            KeyPair pair) {
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
        ZonedDateTime now = ZonedDateTime.now();
        List<byte[]> extensions = new ArrayList<>();
        extensions.add(extension("2.5.29.19", true, Der.sequence(Der.bool(true)))); // basicConstraints CA:TRUE
        if (subjectAltNames != null) {
            extensions.add(extension("2.5.29.17", false, subjectAltNames));
        }
        if (clientAuth) {
            extensions.add(extension("2.5.29.37", false, Der.sequence(Der.oid("1.3.6.1.5.5.7.3.2"))));
        }
        return Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
                Der.integer(new BigInteger(63, new SecureRandom()).add(BigInteger.ONE)), // positive (section 4.1.2.2)
                algorithm(),
                name, // issuer: self-signed
                Der.sequence(Der.utcTime(now.minusHours(1)), Der.utcTime(now.plusDays(2))),
                name, // subject
                pair.getPublic().getEncoded(), // already a SubjectPublicKeyInfo
                Der.explicit(3, Der.sequence(extensions.toArray(byte[][]::new))));
    }

    private static byte[] algorithm() {
        return Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nul());
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        // DER leaves out a BOOLEAN that has its default (FALSE) value
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value))
                : Der.sequence(Der.oid(oid), Der.octets(value));
    }

    /** GeneralNames: iPAddress [7] for an address literal, dNSName [2] otherwise. */
    private static byte[] subjectAltNames(String[] names) {
        byte[][] general = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            general[i] = isAddress(names[i]) ? Der.implicit(7, address(names[i]))
                    : Der.implicit(2, names[i].getBytes(StandardCharsets.US_ASCII));
        }
        return Der.sequence(general);
    }

    private static boolean isAddress(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
    }

    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal is parsed, not looked up
        } catch (IOException e) {
            throw new IllegalArgumentException("not an IP address: " + literal, e);
        }
    }

    private static Path write(Path file, String label, byte[] der) throws IOException {
        String pem = "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        file.toFile().deleteOnExit();
        return file;
    }
}
