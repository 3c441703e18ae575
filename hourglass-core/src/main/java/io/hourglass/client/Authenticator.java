package io.hourglass.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Answers an authentication challenge, as OkHttp's Authenticator does: a 401 from the origin
 * ({@link ClientConfig#authenticator()}) or a 407 from a proxy ({@link ClientConfig#proxyAuthenticator()},
 * also for the CONNECT of a tunnel). It returns the request to send instead, with credentials, or null to
 * hand the response to the caller. A token refresh, Basic ({@link #basic}) or any other scheme fits.
 *
 * <p>The client gives up on its own, handing the caller the 401 or 407, when the authenticator answers
 * with the same credentials that were just refused (the same {@code Authorization} or
 * {@code Proxy-Authorization} value), and after 10 answers in one call.
 * Each answer is a hop of the call: its total timeout covers them all, and the {@link EventListener} sees
 * {@code followUp}. It runs on the caller's thread; the client closes the challenged response afterwards.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * Answers a challenge.
     *
     * @param response the 401 or 407 response, headers read and body not yet; {@code response.request()} is
     *     the request it answers
     * @return the request to send instead (usually {@code response.request().toBuilder()} with an
     *     {@code Authorization} or {@code Proxy-Authorization} header), or null to give the caller the response
     * @throws IOException to fail the call with it
     */
    ClientRequest authenticate(ClientResponse response) throws IOException;

    /**
     * Basic authentication (RFC 7617): answers a 401 with {@code Authorization}, a 407 with
     * {@code Proxy-Authorization}, once. It answers only a challenge that offers the {@code Basic} scheme
     * (or names none), and not again after its credentials were refused.
     *
     * @param user the user name, without a colon (RFC 7617 section 2)
     * @param password the password
     * @return the authenticator
     * @throws IllegalArgumentException if {@code user} contains a colon
     */
    static Authenticator basic(String user, String password) {
        Objects.requireNonNull(password, "password");
        if (Objects.requireNonNull(user, "user").indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Basic user name must not contain ':' (RFC 7617 section 2)");
        }
        String credentials = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return response -> {
            boolean proxy = response.status() == 407;
            String field = proxy ? "Proxy-Authorization" : "Authorization";
            List<String> challenges = response.headers().all(proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
            ClientRequest req = response.request();
            if (credentials.equals(req.headers().first(field))
                    || !challenges.isEmpty() && challenges.stream().noneMatch(Authenticator::offersBasic)) {
                return null;
            }
            return req.toBuilder().removeHeader(field).header(field, credentials).build();
        };
    }

    /** Whether a challenge field value offers the Basic scheme (RFC 9110 section 11.6.1). */
    private static boolean offersBasic(String challenges) {
        for (String part : challenges.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.equals("basic") || p.startsWith("basic ")) {
                return true;
            }
        }
        return false;
    }
}
