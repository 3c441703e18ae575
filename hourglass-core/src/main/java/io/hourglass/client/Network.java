package io.hourglass.client;

import java.io.IOException;

/** The last step of every chain: one hop over the network, an {@link Exchange}. */
final class Network implements Interceptor {
    static final Network INSTANCE = new Network();

    private Network() {}

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        // the last step of a network chain, which the bridge made with the attempt's state
        return exchange(chain.call(), chain.request(), ((RealChain) chain).state());
    }

    /**
     * One exchange of {@code call}: {@code request} over a pooled or new connection, as the attempt's
     * {@code state} says. A hedged attempt's exchange is cancelled through the hedge (see {@link Hedging}), so
     * that the call's cancel reaches both attempts and neither replaces the other as the call's exchange.
     */
    static ClientResponse exchange(Call call, ClientRequest request, HopState state) throws IOException {
        Exchange x = new Exchange(call, request, state);
        if (!state.hedged) {
            call.attach(x);
        }
        return x.run();
    }

    @Override
    public String toString() {
        return "the network";
    }
}
