package io.hourglass.client;

import java.io.IOException;

/**
 * The client's follow-ups, once per call below the application interceptors: the retry of a request that
 * failed on a stale pooled connection (see {@link Exchange#run()}).
 */
final class FollowUps implements Interceptor {
    private final Client client;

    FollowUps(Client client) {
        this.client = client;
    }

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        Call call = chain.call();
        ClientRequest req = chain.request();
        while (true) {
            call.staleFailure = false;
            ClientResponse resp;
            try {
                resp = chain.proceed(req);
            } catch (IOException e) {
                if (call.staleFailure && !call.freshConnection) {
                    // RFC 9110 section 9.2.2: an idempotent request may be sent again; once, on a new connection
                    call.freshConnection = true;
                    continue;
                }
                throw e;
            }
            call.freshConnection = false;
            return resp;
        }
    }

    @Override
    public String toString() {
        return "the client's follow-ups";
    }
}
