package io.hourglass.client;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a client keeps cookies ({@link ClientConfig#cookieJar()}): it saves those that responses set and
 * loads those that go with a request, on every hop of a call (redirects included). {@link #inMemory()} keeps
 * them in memory with RFC 6265's rules; implement this interface to persist or share them. The client parses
 * {@code Set-Cookie} itself ({@link Cookie#parse}), so a jar only stores, expires and matches.
 */
public interface CookieJar {
    /**
     * The cookies to send with a request.
     *
     * @param uri the request's URL
     * @return the cookies, in the order to send them (RFC 6265 section 5.4: longer paths first)
     */
    List<Cookie> load(URI uri);

    /**
     * Keeps the cookies that a response set.
     *
     * @param uri the URL of the request the response answers
     * @param cookies the cookies, parsed and checked against {@code uri} by {@link Cookie#parse}; an expired
     *     one deletes the stored cookie of the same name, domain and path
     */
    void save(URI uri, List<Cookie> cookies);

    /**
     * A jar in memory, with RFC 6265's storage model (section 5.3): a cookie replaces the one of the same
     * name, domain and path, an expired one deletes it, at most 3000 are kept (the oldest go first); and its
     * retrieval rules (section 5.4): domain and path match, {@code Secure} ones over https only, expired
     * ones never. Thread-safe. Without a public suffix list it refuses a {@code Domain} of a single label
     * ({@code com}) but not {@code co.uk}, like Go's jar without one.
     *
     * @return a new, empty jar
     */
    static CookieJar inMemory() {
        return new MemoryCookieJar();
    }

    /**
     * A cookie as a jar keeps it (RFC 6265 section 5.3), with its attributes resolved against the URL that set
     * it.
     *
     * @param name the name
     * @param value the value, as sent
     * @param domain the host it goes to (host-only) or the domain whose hosts it goes to, lower case
     * @param path the path it goes to and below
     * @param expires when it expires, or null for a session cookie (kept until the jar goes)
     * @param hostOnly whether it goes to {@code domain} exactly (no {@code Domain} attribute was given)
     * @param secure whether it goes over https only
     * @param httpOnly whether it had {@code HttpOnly} (a browser's rule; kept for jars that show it)
     */
    record Cookie(String name, String value, String domain, String path, Instant expires, boolean hostOnly,
            boolean secure, boolean httpOnly) {
        /**
         * Checks the fields.
         *
         * @throws NullPointerException if {@code name}, {@code value}, {@code domain} or {@code path} is null
         */
        public Cookie {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(path, "path");
        }

        /**
         * Parses a {@code Set-Cookie} field value of a response to {@code uri} with RFC 6265 section 5.2's
         * algorithm and resolves it as section 5.3 stores it: a {@code Domain} that does not domain-match
         * the host (or is a single label other than the host) makes the cookie ignored; no {@code Domain}
         * makes it host-only; a missing or relative {@code Path} takes the URL's default path;
         * {@code Max-Age} wins over {@code Expires} (a date in section 5.1.1's lenient format). Also
         * ignored: no {@code =} or an empty name; a {@code Secure} cookie from an http URL, and the
         * {@code __Secure-} and {@code __Host-} prefixes' rules broken (RFC 6265bis).
         *
         * @param uri the URL of the request the response answers
         * @param setCookie the field value
         * @return the cookie, or null when it is to be ignored
         */
        public static Cookie parse(URI uri, String setCookie) {
            return SetCookie.parse(uri, setCookie, Instant.now());
        }

        /**
         * Whether this cookie goes with a request to {@code uri} (RFC 6265 section 5.4): its host is the
         * domain (host-only) or a host within it, its path is the cookie's path or below, and it is https
         * when the cookie is {@code Secure}. Expiry is not checked here ({@link #expired}).
         *
         * @param uri the request's URL
         * @return whether it matches
         */
        public boolean matches(URI uri) {
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            if (hostOnly ? !host.equals(domain) : !SetCookie.domainMatches(host, domain)) {
                return false;
            }
            if (secure && !"https".equalsIgnoreCase(uri.getScheme())) {
                return false;
            }
            return SetCookie.pathMatches(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath(), path);
        }

        /**
         * Whether the cookie has expired.
         *
         * @param now the time to compare with
         * @return whether {@link #expires()} is set and not after {@code now}
         */
        public boolean expired(Instant now) {
            return expires != null && !expires.isAfter(now);
        }
    }
}
