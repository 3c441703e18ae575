package io.hourglass.client;

import io.hourglass.http.Deadline;
import io.hourglass.http.HttpTimeoutException;
import io.hourglass.http.Phase;
import io.hourglass.internal.text.Durations;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call, which another thread may cancel. {@link #execute()} runs it on the calling thread,
 * {@link #executeAsync()} on a virtual thread of its own; {@link #cancel()} makes a blocked {@code execute()}
 * (or a body read) fail at once with a {@link ClientException} of kind CANCELLED.
 *
 * <p>A call may take several hops (redirects, an authentication retry, the retry of a stale connection):
 * its total timeout ({@link ClientConfig#timeout()}, {@link ClientRequest#timeout()},
 * {@link ClientRequest#deadline()}) covers all of them and the body of the last one, and a cancel reaches
 * whichever hop is in progress.
 */
public final class Call {
    private static final AtomicLong ASYNC_IDS = new AtomicLong();

    final Client client;
    private final ClientRequest request;
    // Set once each, by compare-and-set (the timer may count a timeout, any thread may end the body); three
    // bits of one field rather than three objects per call.
    private volatile int once;
    private static final int EXECUTED = 1, TIMEOUT_COUNTED = 2, ENDED = 4;
    private static final VarHandle ONCE;

    static {
        try {
            ONCE = MethodHandles.lookup().findVarHandle(Call.class, "once", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    long start;                 // set by execute() before any hop reads it
    long totalDeadline;         // an instant of the client's clock, 0 for none
    Duration totalLimit;
    Phase totalPhase = Phase.TOTAL; // TOTAL (own timeout or request deadline) or DEADLINE (inherited, issue 14)
    boolean inherited;          // bounded by the caller's current deadline: its hops forward it
    private Deadline current;   // the deadline current on the thread that ran execute(), or null
    // Whether a hop went through Attempts: only then may an exchange belong to an attempt (Attempts.current()).
    // Written by the caller's thread before the attempts start the threads (hedging) that read it.
    boolean attempted;
    // What an attempt learns about its connection is the attempt's (HopState), not the call's: a hedge's two
    // attempts run at once. Volatile, all three: the calling thread or an attempt's writes them, cancel() and
    // every hop's checks read them on any thread.
    private volatile Exchange exchange;     // the hop in progress, for cancel(); the hedge's winner after a hedge
    private volatile Hedging hedging;       // the hedge in progress (two attempts at once), for cancel()
    private volatile boolean cancelled;

    Call(Client client, ClientRequest request) {
        this.client = client;
        this.request = request;
    }

    /** {@return the request this call sends (its first hop, before any interceptor changed it)} */
    public ClientRequest request() {
        return request;
    }

    /**
     * Runs the call on the calling thread and returns once the response headers have arrived (of the last
     * hop, after redirects). A call runs once.
     *
     * @return the response, whose body the caller reads to its end or closes
     * @throws io.hourglass.http.HttpTimeoutException when a timeout passes, naming its phase
     * @throws ClientException for any other failure; kind {@link ClientException.Kind#CANCELLED} after
     *     {@link #cancel()}
     * @throws IllegalStateException if the call ran before, or the client is closed
     * @throws IOException only as one of the two above, or as an {@link Interceptor} throws
     */
    public ClientResponse execute() throws IOException {
        once();
        current = Deadline.current().orElse(null);
        return run();
    }

    private void once() {
        if (!first(EXECUTED)) {
            throw new IllegalStateException("a call runs once; make a new one with client.newCall(request)");
        }
        client.checkOpen();
    }

    private ClientResponse run() throws IOException {
        startClock();
        EventListener ev = client.listener();
        ev.callStart(request);
        ClientResponse r;
        try {
            inherit();
            r = client.steps(this, request);
        } catch (IOException e) {
            ended(e);
            throw e;
        }
        r.endsCall(this);
        return r;
    }

    /**
     * Runs the call on a new virtual thread. The future completes with the response once its headers have
     * arrived, or exceptionally with what {@link #execute()} would throw. Cancelling the future
     * ({@code cancel(true)} or {@code cancel(false)}) cancels the call; a response that arrives after that is
     * closed. Stages made from the future ({@code thenApply}...) do not pass a cancel back to it.
     *
     * @return the future response
     * @throws IllegalStateException if the call ran before, or the client is closed
     */
    public CompletableFuture<ClientResponse> executeAsync() {
        once();
        current = Deadline.current().orElse(null); // the caller's, not the new thread's (issue 14)
        AsyncCall future = new AsyncCall(this);
        Thread.ofVirtual().name("hourglass-call-" + ASYNC_IDS.incrementAndGet()).start(() -> {
            try {
                ClientResponse r = run();
                if (!future.complete(r)) {
                    r.close(); // cancelled meanwhile: nobody will read it
                }
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** The future of {@link #executeAsync()}: cancelling it cancels the call. */
    private static final class AsyncCall extends CompletableFuture<ClientResponse> {
        private final Call call;

        AsyncCall(Call call) {
            this.call = call;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean done = super.cancel(mayInterruptIfRunning);
            if (done) {
                call.cancel();
            }
            return done;
        }
    }

    /** Cancels the call from any thread. Idempotent; a call that has finished is not affected. */
    public void cancel() {
        cancelled = true;
        Exchange x = exchange;
        if (x != null) {
            x.cancel();
        }
        Hedging h = hedging;
        if (h != null) {
            h.cancel();
        }
    }

    /** {@return whether {@link #cancel()} was called} */
    public boolean isCancelled() {
        return cancelled;
    }

    // ---- for the hops ----

    /** Fixes the total deadline: the call's timeout from now, or its request's deadline if earlier. */
    void startClock() {
        start = client.clock().nanoTime();
        Duration t = request.timeout() != null ? request.timeout() : client.config().timeout();
        long d = t.isZero() ? 0 : start + Durations.nanos(t);
        Duration limit = t;
        Instant at = request.deadline();
        if (at != null) {
            long left = Durations.nanosUntil(at);
            long d2 = start + left;
            if (d == 0 || d2 - d < 0) {
                d = d2 == 0 ? 1 : d2;
                limit = Duration.ofNanos(Math.max(0, left));
            }
        }
        totalDeadline = d;
        totalLimit = limit;
    }

    /**
     * Bounds the call by the deadline current when it was made (issue 14): the deadline less the client's
     * reserve takes the total timeout's place when earlier (phase DEADLINE); nothing left refuses the call
     * before it takes a connection. See {@link ClientConfig#inheritDeadline()}.
     */
    private void inherit() throws HttpTimeoutException {
        boolean on = request.inheritDeadline() != null ? request.inheritDeadline() : client.config().inheritDeadline();
        Deadline d = current;
        if (!on || d == null) {
            return;
        }
        inherited = true;
        // the current deadline is on the system's clock, the call's on the client's (the same but in tests)
        long had = d.nanoTime() - System.nanoTime();
        long left = had - Durations.nanos(client.config().deadlineReserve());
        long di = start + left;
        if (left <= 0) {
            client.clientMetrics().deadline(true);
            countTimeout(Phase.DEADLINE, null); // no connection: protocol "none"
            Duration leaves = Duration.ofNanos(Math.max(0, had));
            throw new HttpTimeoutException(Phase.DEADLINE, leaves, Duration.ZERO, "the current deadline leaves "
                    + Durations.format(leaves) + ", not more than the client's deadlineReserve of "
                    + Durations.format(client.config().deadlineReserve()) + ": refused, nothing sent; " + request);
        }
        if (totalDeadline == 0 || di - totalDeadline < 0) {
            totalDeadline = di == 0 ? 1 : di;
            totalLimit = Duration.ofNanos(left);
            totalPhase = Phase.DEADLINE;
            client.clientMetrics().deadline(false);
        }
    }

    /** Sets {@code bit}; true only for the one caller that set it. */
    private boolean first(int bit) {
        while (true) {
            int v = once;
            if ((v & bit) != 0) {
                return false;
            }
            if (ONCE.compareAndSet(this, v, v | bit)) {
                return true;
            }
        }
    }

    /** Makes {@code x} the hop in progress; cancels it at once when the call was cancelled already. */
    void attach(Exchange x) {
        exchange = x;
        if (cancelled) {
            x.cancel();
        }
    }

    /**
     * Makes {@code h} the hedge in progress, whose attempts' exchanges are not attached one by one (each would
     * replace the other), in place of an earlier hop's exchange; null when it has settled. Cancels it at once
     * when the call was cancelled already.
     */
    void attach(Hedging h) {
        if (h != null) {
            exchange = null;
        }
        hedging = h;
        if (h != null && cancelled) {
            h.cancel();
        }
    }

    /** Counts the call's timeout once (a call times out once, whichever hop it was on). */
    boolean countTimeout(Phase p, String protocol) {
        if (!first(TIMEOUT_COUNTED)) {
            return false;
        }
        client.clientMetrics().timeout(p, protocol);
        client.listener().timeout(request, p);
        return true;
    }

    /** The call ended: its last body was read, closed, or failed, or it failed before a response. Once. */
    void ended(IOException failure) {
        if (!first(ENDED)) {
            return;
        }
        if (failure == null) {
            client.listener().callEnd(request);
        } else {
            client.listener().callFailed(request, failure);
        }
    }
}
