package io.hourglass.client;

import java.io.IOException;

/**
 * Code around every call, in OkHttp's model: logging, auth, retries, headers, test fakes. An interceptor gets
 * the request, may change it, passes it on with {@link Chain#proceed}, and may change or replace the response
 * it gets back; or it answers itself without calling {@code proceed} (a cache, a fake).
 *
 * <p>Where they run ({@link ClientConfig#interceptors()}, {@link ClientConfig#networkInterceptors()},
 * {@link ClientConfig#transport()}), outermost first:
 * <ol>
 * <li><b>application interceptors</b>, once per call: they see the caller's request and the final response,
 *     after redirects, authentication and the retry of a stale connection;
 * <li>the client's follow-ups: redirects, the {@link Authenticator}s' answers to 401 and 407, and the one
 *     retry of an idempotent request whose reused connection turned out closed;
 * <li>the client's bridge, once per hop: cookies from the {@link CookieJar}, {@code Authorization: Basic}
 *     from a URL's {@code user:password@}, {@code Accept-Encoding: gzip} and the decompression of the answer;
 * <li><b>network interceptors</b>, once per hop and attempt, just before the request goes out: they see
 *     every redirect and retry, the headers the bridge added, and the response as it came (still gzip);
 * <li>the transport: the network, or the {@link ClientConfig#transport() fake} put in its place.
 * </ol>
 *
 * <p>Every timeout still applies: the call's total deadline covers every interceptor, hop and retry; a
 * {@link Call#cancel()} reaches the exchange in progress. An interceptor runs on the caller's thread (for
 * {@link Client#sendAsync}, the call's virtual thread); it must give back the response of {@code proceed}
 * or close it, or the connection stays taken until the call's total timeout.
 */
@FunctionalInterface
public interface Interceptor {
    /**
     * Handles one request.
     *
     * @param chain the request so far and the way on
     * @return the response, not null
     * @throws IOException to fail the call with it (a timeout, a {@link ClientException}, or the
     *     interceptor's own)
     */
    ClientResponse intercept(Chain chain) throws IOException;

    /** What an interceptor gets: the request so far, and the rest of the chain. */
    interface Chain {
        /** {@return the request as the previous step passed it on} */
        ClientRequest request();

        /**
         * Passes a request to the next step and returns its response. It may be called again (a retry), each
         * time with a response to close first.
         *
         * @param request the request to send, this chain's {@link #request()} or a changed one
         * @return the response
         * @throws IOException as {@link Client#send} throws
         */
        ClientResponse proceed(ClientRequest request) throws IOException;

        /** {@return the call this request belongs to, to cancel it or read its original request} */
        Call call();
    }
}
