/**
 * Hourglass's test kit, for testing code that uses Hourglass and code that must survive a bad network:
 * {@link io.hourglass.testing.TestServer} (a real Hourglass server on a free port that answers with enqueued
 * {@link io.hourglass.testing.TestResponse}s and records each {@link io.hourglass.testing.RecordedRequest}),
 * {@link io.hourglass.testing.RawPeer} (a scripted misbehaving peer, as a server or as a client: stalls,
 * trickles, half-closes, resets, garbage, a late 100 Continue, a connect that is never answered),
 * {@link io.hourglass.testing.ManualClock} (fake time: a client's timeouts pass when the test says so),
 * {@link io.hourglass.testing.FaultProxy} (a proxy between a client and a server that resets, stalls or drops)
 * and {@link io.hourglass.testing.TestCertificate} (a self-signed certificate and key for TLS tests, made with the
 * JDK alone).
 */
module io.hourglass.testing {
    requires transitive io.hourglass;             // Clock, Server, Handler, Headers appear in the kit's API
    requires transitive org.junit.jupiter.api;    // TestServer is a JUnit 5 extension

    exports io.hourglass.testing;
}
