package io.hourglass.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Objects;

/**
 * The client's follow-ups, once per call below the application interceptors (see {@link Interceptor}):
 * redirects, the {@link Authenticator}s' answers to 401 and 407, and the one retry of a request that failed
 * on a stale pooled connection (see {@link Exchange#run()}). Each follow-up is a hop of the same call, under
 * its total deadline.
 */
final class FollowUps {
    /** The most answers an authenticator may give in one call. */
    static final int MAX_AUTH_ATTEMPTS = 10;
    /** The most bytes of a discarded response read so that its connection can be reused at once (Go: 2 KiB). */
    private static final int DISCARD_READ = 4096;

    private final Client client;
    private final ClientConfig cfg;
    private final Bridge bridge;

    FollowUps(Client client, Bridge bridge) {
        this.client = client;
        this.cfg = client.config();
        this.bridge = bridge;
    }

    /** Runs the call's hops until a response that is not followed up, or a failure. */
    ClientResponse run(Call call, ClientRequest first) throws IOException {
        ClientRequest req = first;
        int redirects = 0;
        int auths = 0;
        while (true) {
            // issue 14's attempts; without them the hop goes straight on (no lambda per hop)
            ClientResponse resp = Attempts.needed(call) ? Attempts.run(call, req, r -> proceedOnce(call, r))
                    : proceedOnce(call, req);
            ClientRequest next;
            int status = resp.status();
            if (status == 401 || status == 407) {
                next = authenticate(status == 407 ? cfg.proxyAuthenticator() : cfg.authenticator(), req, resp,
                        ++auths);
            } else if (isRedirect(status) && follows(req)) {
                next = redirect(call, req, resp, ++redirects);
            } else {
                next = null;
            }
            if (next == null) {
                return resp;
            }
            discard(resp);
            client.listener().followUp(req, status, next);
            req = next;
        }
    }

    /**
     * Sends one attempt of a hop; a failure on a stale pooled connection is sent again, once, on a new
     * connection. The attempt's {@link HopState} is its own: a hedge's two attempts run this at once.
     */
    private ClientResponse proceedOnce(Call call, ClientRequest req) throws IOException {
        Attempts.Attempt a = call.attempted ? Attempts.current() : null; // no thread-local look-up by default
        HopState state = new HopState(a != null && a.hedged);
        while (true) {
            state.staleFailure = false;
            try {
                return bridge.run(call, req, state);
            } catch (IOException e) {
                if (!state.staleFailure || state.freshConnection || (a != null && !Attempts.mayResendStale(call, req))) {
                    throw e;
                }
                // RFC 9110 section 9.2.2: an idempotent request may be sent again
                state.freshConnection = true;
                client.listener().followUp(req, 0, req);
            }
        }
    }

    private boolean follows(ClientRequest req) {
        return req.followRedirects() != null ? req.followRedirects() : cfg.followRedirects();
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * The request a redirect asks for (RFC 9110 section 15.4), or null when there is no Location (the
     * response is the caller's, as in Go).
     */
    private ClientRequest redirect(Call call, ClientRequest req, ClientResponse resp, int n) throws IOException {
        String location = resp.header("Location");
        if (location == null) {
            return null;
        }
        int status = resp.status();
        if (n > cfg.maxRedirects()) {
            resp.close();
            throw new ClientException(ClientException.Kind.TOO_MANY_REDIRECTS, "stopped after " + cfg.maxRedirects()
                    + " redirects (maxRedirects), the next a " + status + " to " + location + "; " + call.request(), null);
        }
        URI target;
        try {
            target = Urls.resolve(req.uri(), location);
        } catch (IllegalArgumentException e) {
            resp.close();
            throw new ClientException(ClientException.Kind.REDIRECT, status + " to a Location the client cannot follow, \""
                    + location + "\" (" + e.getMessage() + "); " + req, e);
        }
        ClientRequest.Builder b = req.toBuilder().uri(target);
        String method = req.method();
        boolean toGet = (status == 301 || status == 302 || status == 303) && !method.equals("GET") && !method.equals("HEAD");
        if (toGet) {
            // 301 and 302 turn POST into GET by long practice, 303 anything (RFC 9110 sections 15.4.2-4); Go turns
            // every method but GET and HEAD into GET on all three, and so does this client
            b.method("GET").body(null).removeTrailers().removeHeader("Expect"); // the trailers went with the body
            for (String f : new String[] {"Content-Type", "Content-Encoding", "Content-Language", "Content-Location"}) {
                b.removeHeader(f); // they described the body that is no longer sent
            }
        } else if (req.body() != null && !req.body().replayable()) {
            resp.close();
            throw new ClientException(ClientException.Kind.REDIRECT, status + " to " + target + " asks for the request "
                    + "body again, and a stream body can be sent once: use RequestBody.of(bytes, String or Path), or "
                    + "followRedirects(false) to get the " + status + "; " + req, null);
        }
        if (!Urls.sameOrigin(req.uri(), target)) {
            // credentials and a Host meant for one origin must not reach another (Go and OkHttp drop them too)
            b.removeHeader("Authorization").removeHeader("Cookie").removeHeader("Host");
        }
        return b.build();
    }

    private ClientRequest authenticate(Authenticator a, ClientRequest req, ClientResponse resp, int n)
            throws IOException {
        if (a == null || n > MAX_AUTH_ATTEMPTS) {
            return null;
        }
        ClientRequest next = a.authenticate(resp);
        if (next == null) {
            return null;
        }
        String field = resp.status() == 407 ? "Proxy-Authorization" : "Authorization";
        if (Objects.equals(next.headers().first(field), req.headers().first(field))) {
            return null; // the same credentials were just refused: asking again cannot help
        }
        return next;
    }

    /** Reads a little of a response that is not handed up, so its connection can serve the next hop, and closes it. */
    private static void discard(ClientResponse resp) {
        try (InputStream in = resp.body()) {
            in.readNBytes(DISCARD_READ);
        } catch (IOException ignored) {
            // the next hop finds out whether the call can go on (its deadline, its cancel)
        }
    }
}
