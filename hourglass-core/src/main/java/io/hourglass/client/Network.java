package io.hourglass.client;

import java.io.IOException;

/** The last step of every chain: one hop over the network, an {@link Exchange}. */
final class Network implements Interceptor {
    static final Network INSTANCE = new Network();

    private Network() {}

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        return exchange(chain.call(), chain.request());
    }

    /** One exchange of {@code call}: {@code request} over a pooled or new connection. */
    static ClientResponse exchange(Call call, ClientRequest request) throws IOException {
        Exchange x = new Exchange(call, request);
        call.attach(x);
        return x.run();
    }

    @Override
    public String toString() {
        return "the network";
    }
}
