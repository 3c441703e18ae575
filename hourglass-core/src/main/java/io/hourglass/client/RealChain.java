package io.hourglass.client;

import java.io.IOException;
import java.util.List;

/** One step of a call's interceptor chain: the steps from {@code index} on (see {@link Interceptor}). */
final class RealChain implements Interceptor.Chain {
    private final List<Interceptor> steps;
    private final int index;
    private final Call call;
    private final ClientRequest request;
    private final HopState state; // the attempt's, in a network chain (see Bridge); null in the application chain

    RealChain(List<Interceptor> steps, int index, Call call, ClientRequest request) {
        this(steps, index, call, request, null);
    }

    RealChain(List<Interceptor> steps, int index, Call call, ClientRequest request, HopState state) {
        this.steps = steps;
        this.index = index;
        this.call = call;
        this.request = request;
        this.state = state;
    }

    /** {@return the attempt's state this network chain carries to the exchange, null in the application chain} */
    HopState state() {
        return state;
    }

    @Override
    public ClientRequest request() {
        return request;
    }

    @Override
    public Call call() {
        return call;
    }

    @Override
    public ClientResponse proceed(ClientRequest r) throws IOException {
        if (r == null) {
            throw new NullPointerException("request");
        }
        if (index >= steps.size()) {
            throw new IllegalStateException("the network is the last step: there is nothing to proceed to");
        }
        Interceptor step = steps.get(index);
        ClientResponse resp = step.intercept(new RealChain(steps, index + 1, call, r, state));
        if (resp == null) {
            throw new IllegalStateException("interceptor " + step + " returned null instead of a response");
        }
        resp.answers(r);
        return resp;
    }
}
